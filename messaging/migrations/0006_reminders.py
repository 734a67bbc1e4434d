# Deadlines (issue 20): reminder slots, deadline and close notices are mailings of new kinds (docs/deadlines.md).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("messaging", "0005_inbound"),
    ]

    operations = [
        migrations.AddField(
            model_name='mailing',
            name='deadline',
            field=models.DateTimeField(blank=True, null=True, verbose_name='deadline'),
        ),
        migrations.AddField(
            model_name='mailing',
            name='due_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='due at'),
        ),
        migrations.AddField(
            model_name='mailing',
            name='planned_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='planned at'),
        ),
        migrations.AddField(
            model_name='mailing',
            name='reminder_offset',
            field=models.DurationField(blank=True, null=True, verbose_name='reminder offset'),
        ),
        migrations.AlterField(
            model_name='mailing',
            name='kind',
            field=models.CharField(choices=[('send', 'First mailing'), ('send_new', 'New recipients'), ('reminder', 'Reminder'), ('deadline', 'Deadline changed'), ('closed', 'Request closed')], max_length=16, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='mailing',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'reminder')), fields=('request', 'deadline', 'reminder_offset'), name='messaging_one_reminder_slot'),
        ),
        migrations.AddConstraint(
            model_name='mailing',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'reminder'), _negated=True), models.Q(('deadline__isnull', False), ('due_at__isnull', False), ('planned_at__isnull', False), ('reminder_offset__isnull', False)), _connector='OR'), name='messaging_reminder_slot_complete'),
        ),
    ]
