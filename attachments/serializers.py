"""Request and response shapes of the attachments API (names follow the contract's components)."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class AttachmentDTOSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True, allow_null=True)
    originalfilename = serializers.CharField(source="original_filename", read_only=True)
    contenttype = serializers.CharField(source="content_type", read_only=True, allow_null=True)
    sizebytes = serializers.IntegerField(source="size_bytes", read_only=True)
    sha256 = serializers.CharField(read_only=True, allow_null=True)
    storagekey = serializers.CharField(source="storage_key", read_only=True, allow_null=True)
    isdeleted = serializers.BooleanField(source="is_deleted", read_only=True)
    createdat = serializers.DateTimeField(source="created_at", read_only=True)


@extend_schema_serializer(many=False)  # already the page object: the `list` action must not wrap it in an array
class AttachmentListResponseDTOSerializer(serializers.Serializer):
    items = AttachmentDTOSerializer(many=True)
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    total = serializers.IntegerField()


class AttachmentUploadSerializer(serializers.Serializer):
    """Multipart body of an upload; size, emptiness and type are judged by the service."""

    file = serializers.FileField(allow_empty_file=True, use_url=False)
    title = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=255)


class AttachmentDeletedResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField(default=True)
    message = serializers.CharField(allow_null=True)
