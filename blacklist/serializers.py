"""Serializers of the blacklists (names follow the contract's schemas)."""

from rest_framework import serializers

from core.fields import InnField

from .services import MAX_REASON


class AddUserBlacklistInnRequestDTOSerializer(serializers.Serializer):
    inn = InnField()
    reason = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=MAX_REASON)


class UserBlacklistInnItemDTOSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    inn = serializers.CharField()
    supplierid = serializers.IntegerField(source="supplier_id", allow_null=True)
    suppliername = serializers.CharField(source="supplier_name", allow_null=True)
    checkodata = serializers.JSONField(source="checko_data", allow_null=True)
    reason = serializers.CharField(allow_null=True)
    createdat = serializers.DateTimeField(source="created_at")


class BlacklistOkResponseSerializer(serializers.Serializer):
    """The contract's ``GenericOkResponseDTO``: ``{success: true, message?}``."""

    success = serializers.BooleanField(default=True)
    message = serializers.CharField(required=False, allow_null=True)


class ModeratorBlacklistUrlItemDTOSerializer(serializers.Serializer):
    url = serializers.CharField()
    comment = serializers.CharField(allow_null=True)
    createdat = serializers.DateTimeField(source="created_at")


class ModeratorBlacklistDomainDTOSerializer(serializers.Serializer):
    domain = serializers.CharField()
    createdat = serializers.DateTimeField(source="created_at")
    comment = serializers.CharField(allow_null=True)
    urls = ModeratorBlacklistUrlItemDTOSerializer(many=True, source="urls.all")


class AddModeratorBlacklistDomainRequestDTOSerializer(serializers.Serializer):
    domain = serializers.CharField(min_length=1, max_length=2000)
    comment = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=10000)
    url = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=2000)
