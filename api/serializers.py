"""What the API reads and writes. Serializers describe and check the shape of a request (and
give the OpenAPI schema its types); the rules (one relation per contractant, a taken e-mail,
portal visibility of attributes) are the services', which the views call with the checked data."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contacts.models import AttributeDefinition, Contact, ContactLink
from contacts.services.links import LINK_FIELDS
from relations.models import Relation
from relations.services import RELATION_FIELDS
from staff.models import Team
from staff.teams import active_staff
from subscriptions.models import Subscription, TechnicalSetup
from tasks.conversation import STATUSES_WITH_A_MESSAGE
from tasks.models import Task, TaskAttachment, TaskMessage
from tasks.services import TASK_FIELDS

# --- Relations ----------------------------------------------------------------------------


class RelationSerializer(serializers.ModelSerializer):
    # The version an edit was based on: a change saved since that this one would overwrite is
    # refused (409), as on the edit pages.
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Relation
        fields = ["id", "code", *RELATION_FIELDS, "person", "version", "created_at", "updated_at"]
        read_only_fields = ["id", "code", "person", "created_at", "updated_at"]


class PersonSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField()


class RelationCreateSerializer(RelationSerializer):
    # A person-relation (kind "person") names its person: an existing contact with this e-mail
    # is linked, otherwise one is created (relations.services.create_person_relation).
    person_data = PersonSerializer(required=False, write_only=True, source="person_input")

    class Meta(RelationSerializer.Meta):
        fields = [*RelationSerializer.Meta.fields, "person_data"]
        read_only_fields = RelationSerializer.Meta.read_only_fields

    def validate(self, attrs):
        if attrs.get("kind") == Relation.Kind.PERSON and not attrs.get("person_input"):
            raise serializers.ValidationError({"person_data": _("Required for a person-relation.")})
        return attrs


# --- Subscriptions ------------------------------------------------------------------------


class TechnicalSetupSerializer(serializers.ModelSerializer):
    contractant_name = serializers.CharField(source="contractant.name", read_only=True)

    class Meta:
        model = TechnicalSetup
        fields = ["database", "contractant", "contractant_name", "bound_at"]
        read_only_fields = fields


class SubscriptionSerializer(serializers.ModelSerializer):
    technical_setup = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = ["id", "relation", "product", "start_date", "end_date", "is_active", "technical_setup", "created_at"]
        read_only_fields = ["id", "created_at"]

    @extend_schema_field(TechnicalSetupSerializer(allow_null=True))
    def get_technical_setup(self, subscription: Subscription):
        setup = getattr(subscription, "technical_setup", None)
        return TechnicalSetupSerializer(setup).data if setup is not None else None


class SubscriptionUpdateSerializer(SubscriptionSerializer):
    class Meta(SubscriptionSerializer.Meta):
        read_only_fields = ["id", "relation", "created_at"]


class BindSerializer(serializers.Serializer):
    contractant = serializers.IntegerField(min_value=1, help_text=_("The id of the customer contractant to bind."))
    database = serializers.CharField(max_length=63)


# --- Contacts -----------------------------------------------------------------------------


class ContactLinkSerializer(serializers.ModelSerializer):
    relation_name = serializers.CharField(source="relation.name", read_only=True)

    class Meta:
        model = ContactLink
        fields = ["id", "relation", "relation_name", *LINK_FIELDS]
        read_only_fields = ["id"]


class ContactLinkUpdateSerializer(ContactLinkSerializer):
    class Meta(ContactLinkSerializer.Meta):
        read_only_fields = ["id", "relation"]


class AttributeValueSerializer(serializers.Serializer):
    """A custom attribute (kenmerk) of a contact: staff see and set every one; the portal flags
    say what a customer sees and may change of it there."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()
    value = serializers.CharField(allow_blank=True)
    visible_in_portal = serializers.BooleanField()
    editable_in_portal = serializers.BooleanField()


class ContactSerializer(serializers.ModelSerializer):
    # The version an edit was based on: a change saved since that this one would overwrite is
    # refused (409), as on the edit pages.
    version = serializers.IntegerField(required=False, min_value=1)
    links = ContactLinkSerializer(many=True, read_only=True)
    attributes = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "code",
            "first_name",
            "last_name",
            "job_title",
            "email",
            "username",
            "phone",
            "kind",
            "status",
            "out_of_service_on",
            "successor",
            "version",
            "links",
            "attributes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "code",
            "username",
            "status",
            "out_of_service_on",
            "successor",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(AttributeValueSerializer(many=True))
    def get_attributes(self, contact: Contact):
        definitions: list[AttributeDefinition] = self.context.get("attribute_definitions") or []
        values = {value.definition_id: value.value for value in contact.attribute_values.all()}
        return [
            {
                "id": definition.pk,
                "name": definition.name,
                "type": definition.type,
                "value": values.get(definition.pk, ""),
                "visible_in_portal": definition.visible_in_portal,
                "editable_in_portal": definition.editable_in_portal,
            }
            for definition in definitions
        ]


class ContactWriteSerializer(ContactSerializer):
    # {attribute id: value}; checked per attribute type by contacts.services.attributes.
    attribute_values = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, write_only=True
    )


class ContactCreateSerializer(ContactWriteSerializer):
    relation = serializers.PrimaryKeyRelatedField(
        queryset=Relation.objects.all(), required=False, write_only=True, help_text=_("Link the new contact to it.")
    )

    class Meta(ContactSerializer.Meta):
        fields = [*ContactSerializer.Meta.fields, "attribute_values", "relation"]
        read_only_fields = ContactSerializer.Meta.read_only_fields


class ContactUpdateSerializer(ContactWriteSerializer):
    class Meta(ContactSerializer.Meta):
        fields = [*ContactSerializer.Meta.fields, "attribute_values"]


# --- Tasks --------------------------------------------------------------------------------


class TaskSerializer(serializers.ModelSerializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=active_staff(), required=False, allow_null=True)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    reporter = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), required=False, allow_null=True)
    relations = serializers.SerializerMethodField()
    # The version an edit was based on: a change saved since that this one would overwrite is
    # refused (409), as on the edit pages.
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            *TASK_FIELDS,
            "status",
            "relations",
            "version",
            "created_at",
            "updated_at",
            "closed_at",
        ]
        read_only_fields = ["id", "code", "created_at", "updated_at", "closed_at"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_relations(self, task: Task) -> list[int]:
        return sorted(link.relation_id for link in task.links.all())


class TaskCreateSerializer(TaskSerializer):
    relation_ids = serializers.PrimaryKeyRelatedField(
        queryset=Relation.objects.all(), many=True, required=False, write_only=True, source="relation_input"
    )

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "relation_ids"]
        read_only_fields = [*TaskSerializer.Meta.read_only_fields, "status"]


class AttachmentSerializer(serializers.ModelSerializer):
    message = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_internal = serializers.BooleanField(read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = TaskAttachment
        fields = ["code", "name", "content_type", "size", "message", "is_internal", "download", "created_at"]
        read_only_fields = fields

    def get_download(self, attachment: TaskAttachment) -> str:
        return reverse("api:task_attachment", args=[attachment.task_id, attachment.code])


class MessageSerializer(serializers.ModelSerializer):
    """A public reply or an internal note; notes are staff-only, as on the task page."""

    author = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)
    set_status = serializers.ChoiceField(
        choices=[(status.value, status.label) for status in STATUSES_WITH_A_MESSAGE],
        required=False,
        write_only=True,
        help_text=_("Change the task's status with the message."),
    )

    class Meta:
        model = TaskMessage
        fields = [
            "code",
            "kind",
            "channel",
            "author",
            "body",
            "held_for_review",
            "attachments",
            "set_status",
            "created_at",
        ]
        read_only_fields = ["code", "channel", "author", "held_for_review", "attachments", "created_at"]
        extra_kwargs = {"body": {"allow_blank": True, "required": False}, "kind": {"required": True}}

    def get_author(self, message: TaskMessage) -> str:
        if message.author is not None:
            return message.author.get_full_name() or message.author.get_username()
        if message.author_contact is not None:
            return message.author_contact.full_name
        return message.author_label


# --- Relink and sync ----------------------------------------------------------------------


class RelinkRequestSerializer(serializers.Serializer):
    to = serializers.PrimaryKeyRelatedField(
        queryset=Relation.objects.all(), help_text=_("The relation that takes over the binding and the open tasks.")
    )


class RelinkTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    status = serializers.CharField()


class RelinkPreviewSerializer(serializers.Serializer):
    from_relation = serializers.IntegerField(source="from_relation.pk")
    to_relation = serializers.IntegerField(source="to_relation.pk")
    contractant = serializers.IntegerField(source="contractant.pk")
    contractant_name = serializers.CharField(source="contractant.name")
    database = serializers.CharField()
    from_subscription = serializers.IntegerField(source="from_subscription.pk")
    to_subscription = serializers.IntegerField(source="to_subscription.pk")
    task_count = serializers.IntegerField()
    first_tasks = RelinkTaskSerializer(many=True)


class RelinkResultSerializer(serializers.Serializer):
    record = serializers.IntegerField(source="record.pk")
    from_relation = serializers.IntegerField(source="record.from_relation_id")
    to_relation = serializers.IntegerField(source="record.to_relation_id")
    contractant = serializers.IntegerField(source="record.contractant_id")
    moved_task_count = serializers.IntegerField()


class SyncRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    planned = serializers.IntegerField()
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField()


class SyncFailureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    error = serializers.CharField()
    status_code = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class SyncStatusSerializer(serializers.Serializer):
    running = SyncRunSerializer(allow_null=True)
    latest = SyncRunSerializer(allow_null=True)
    interrupted = SyncRunSerializer(allow_null=True)
    has_failures = serializers.BooleanField()
    changes_since = serializers.BooleanField()
    pending_count = serializers.IntegerField()
    # {"desired": {"clients": n, ...}, "remote": {...}} as the worker stored it.
    counts = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    runs = SyncRunSerializer(many=True)
    failures = SyncFailureSerializer(many=True)


class RemoteViewSerializer(serializers.Serializer):
    """Client Online's state of one relation (its client) or contact (its user)."""

    wanted = serializers.BooleanField()
    present = serializers.BooleanField()
    in_sync = serializers.BooleanField()
    memberships = serializers.ListField(child=serializers.CharField())
    failures = serializers.IntegerField()
