# The buyer's profile (issue 19): company, contacts, signature, default e-mail text, language of supplier e-mails.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import accounts.profile


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_otp_failure_streak_plural'),
    ]

    operations = [
        migrations.CreateModel(
            name='BuyerProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('company_name', models.CharField(blank=True, max_length=255, validators=[accounts.profile.validate_single_line], verbose_name='company name')),
                ('company_inn', models.CharField(blank=True, max_length=12, validators=[accounts.profile.validate_inn], verbose_name='company INN')),
                ('contact_name', models.CharField(blank=True, max_length=255, validators=[accounts.profile.validate_single_line], verbose_name='contact person')),
                ('phone', models.CharField(blank=True, max_length=32, validators=[accounts.profile.validate_phone], verbose_name='phone')),
                ('signature', models.TextField(blank=True, max_length=2000, validators=[accounts.profile.validate_multi_line], verbose_name='signature')),
                ('default_subject', models.CharField(blank=True, max_length=255, validators=[accounts.profile.validate_single_line], verbose_name='default subject')),
                ('default_body', models.TextField(blank=True, max_length=20000, validators=[accounts.profile.validate_multi_line], verbose_name='default body')),
                ('language', models.CharField(blank=True, choices=[('ru', 'Русский'), ('en', 'English')], help_text="Empty: the platform's default language.", max_length=8, verbose_name='language of supplier e-mails')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='profile', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'buyer profile',
                'verbose_name_plural': 'buyer profiles',
                'constraints': [models.CheckConstraint(condition=models.Q(('company_inn', ''), ('company_inn__regex', '^([0-9]{10}|[0-9]{12})$'), _connector='OR'), name='accounts_profile_inn_digits')],
            },
        ),
    ]
