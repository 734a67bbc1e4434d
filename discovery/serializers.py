"""Serializers of web discovery: the reference contract's component names and camelCase fields.

The five answers the reference leaves as ``{}`` (runs, run detail, domain and URL hits, resolved domains) are
ours, spelled as API.md lists them.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from .models import DEFAULT_DEPTH, MAX_DEPTH, SearchSource, SearchStatus
from .selectors import CONTRACT_ENGINES, contract_source

RESOLVED_STATUSES = ("supplier", "reseller", "blacklist")


class StartParsingRequestDTOSerializer(serializers.Serializer):
    depth = serializers.IntegerField(
        min_value=1, max_value=MAX_DEPTH, required=False, allow_null=True,
        help_text=f"How many search result pages to fetch per key. Default {DEFAULT_DEPTH}.",
    )  # fmt: skip
    source = serializers.ChoiceField(
        choices=SearchSource.choices, required=False, allow_null=True,
        help_text="Which search engine(s) to use for this parsing run. Default both.",
    )  # fmt: skip


class StartParsingResponseDTOSerializer(serializers.Serializer):
    requestId = serializers.IntegerField(source="request_id")
    runId = serializers.CharField(source="pk")
    status = serializers.ChoiceField(choices=SearchStatus.choices)


class DiscoveryConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="run_in_progress, discovery_off or invalid_state")
    runId = serializers.CharField(required=False, help_text="The run already queued or running (run_in_progress)")


class ParsingKeyStatusDTOSerializer(serializers.Serializer):
    keyId = serializers.IntegerField(source="key_id")
    status = serializers.ChoiceField(choices=SearchStatus.choices)
    itemsFound = serializers.IntegerField(source="items_found", min_value=0)
    error = serializers.CharField(allow_null=True)


class ParsingStatusResponseDTOSerializer(serializers.Serializer):
    requestId = serializers.IntegerField(source="run.request_id")
    runId = serializers.CharField(source="run.pk")
    status = serializers.ChoiceField(source="run.status", choices=SearchStatus.choices)
    keys = ParsingKeyStatusDTOSerializer(many=True)


class ParsingDomainGroupDTOSerializer(serializers.Serializer):
    domain = serializers.CharField()
    urls = serializers.ListField(child=serializers.CharField())
    source = serializers.ChoiceField(choices=[(e, e) for e in CONTRACT_ENGINES], allow_null=True, required=False)
    title = serializers.CharField(allow_null=True, required=False)


class ParsingResultsByKeyDTOSerializer(serializers.Serializer):
    keyId = serializers.IntegerField()
    groups = ParsingDomainGroupDTOSerializer(many=True)


class ParsingResultsResponseDTOSerializer(serializers.Serializer):
    requestId = serializers.IntegerField()
    runId = serializers.CharField()
    results = ParsingResultsByKeyDTOSerializer(many=True)


class ParsingRunDTOSerializer(serializers.Serializer):
    runId = serializers.CharField(source="pk")
    requestId = serializers.IntegerField(source="request_id")
    status = serializers.ChoiceField(choices=SearchStatus.choices)
    depth = serializers.IntegerField()
    source = serializers.ChoiceField(choices=SearchSource.choices)
    keyscount = serializers.IntegerField(source="keys_count")
    itemsfound = serializers.IntegerField(source="items_found")
    createdat = serializers.DateTimeField(source="created_at")
    startedat = serializers.DateTimeField(source="started_at", allow_null=True)
    finishedat = serializers.DateTimeField(source="finished_at", allow_null=True)
    error = serializers.CharField(allow_null=True)


@extend_schema_serializer(many=False)
class ParsingRunListResponseDTOSerializer(serializers.Serializer):
    items = ParsingRunDTOSerializer(many=True)
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    total = serializers.IntegerField()


class ParsingRunDetailDTOSerializer(ParsingRunDTOSerializer):
    keys = ParsingKeyStatusDTOSerializer(many=True, source="key_searches")


class PendingDomainUrlDTOSerializer(serializers.Serializer):
    url = serializers.CharField()
    hitcount = serializers.IntegerField()
    keys = serializers.ListField(child=serializers.CharField())


class PendingDomainDTOSerializer(serializers.Serializer):
    domain = serializers.CharField()
    totalhits = serializers.IntegerField(source="total_hits")
    urlcount = serializers.IntegerField(source="url_count")
    firstseenat = serializers.DateTimeField(source="first_seen_at")
    lasthitat = serializers.DateTimeField(source="last_hit_at")
    urls = PendingDomainUrlDTOSerializer(many=True)


class PendingDomainDetailDTOSerializer(PendingDomainDTOSerializer):
    pass


@extend_schema_serializer(many=False)
class PendingDomainListResponseDTOSerializer(serializers.Serializer):
    items = PendingDomainDTOSerializer(many=True)
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    total = serializers.IntegerField()


class DomainHitDTOSerializer(serializers.Serializer):
    runId = serializers.CharField(source="run_id")
    requestId = serializers.IntegerField(source="key.request_id")
    keyId = serializers.IntegerField(source="key_id")
    keytext = serializers.CharField(source="key.text")
    url = serializers.CharField()
    rank = serializers.IntegerField()
    source = serializers.SerializerMethodField()
    createdat = serializers.DateTimeField(source="created_at")

    def get_source(self, hit: Any) -> str | None:
        return contract_source(hit.engine)


@extend_schema_serializer(many=False)
class DomainHitListResponseDTOSerializer(serializers.Serializer):
    items = DomainHitDTOSerializer(many=True)
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    total = serializers.IntegerField()


class ResolvedDomainDTOSerializer(serializers.Serializer):
    domain = serializers.CharField()
    status = serializers.ChoiceField(source="decision", choices=[(s, s) for s in RESOLVED_STATUSES])
    supplierid = serializers.IntegerField(source="supplier_id", allow_null=True)
    decisionat = serializers.DateTimeField(source="decided_at")
    totalhits = serializers.IntegerField(source="total_hits")


@extend_schema_serializer(many=False)
class ResolvedDomainListResponseDTOSerializer(serializers.Serializer):
    items = ResolvedDomainDTOSerializer(many=True)
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    total = serializers.IntegerField()
