from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import ManyToManyField, QuerySet
from django.http import HttpRequest, HttpResponse

from accounts import services
from accounts.models import User
from core.admin_site import LabelledDateTimeAdmin

INVITE_HINT = (
    "Next: tick their groups (Moderators, Panellists, Event managers) and save. Then, in the "
    "list of users, select them and choose the action “Send an invitation to choose a "
    "password”."
)


class UserCreationForm(AdminUserCreationForm):
    # Staff-created accounts: by default the person chooses their own password from an
    # emailed invitation (nobody else ever knows it).
    usable_password = forms.ChoiceField(
        label="Password",
        required=False,
        initial="false",
        choices={
            "false": "They choose it from an invitation email (recommended)",
            "true": "Set a password for them now",
        },
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
    )

    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(LabelledDateTimeAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "full_name")
    actions = ("send_invitation",)
    # Roles are groups (accounts/roles.py), ticked as checkboxes: Django's two-box picker
    # fails axe, and per-user permissions are not how anyone here gets a role.
    filter_horizontal = ()
    formfield_overrides = {ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def response_add(
        self, request: HttpRequest, obj: User, post_url_continue: str | None = None
    ) -> HttpResponse:
        if not obj.has_usable_password():
            self.message_user(request, INVITE_HINT, messages.INFO)
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description="Send an invitation to choose a password", permissions=["change"])
    def send_invitation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        inviter_id = request.user.pk
        if inviter_id is None:  # the admin is for signed-in staff only
            raise PermissionDenied
        for user in queryset.order_by("email"):
            try:
                services.user_invite(user_id=user.pk, invited_by_id=inviter_id)
            except services.InvitationRefused as refusal:
                self.message_user(request, f"Not sent: {refusal.message}", messages.ERROR)
                continue
            self.message_user(request, f"Invitation sent to {user.email}.", messages.SUCCESS)
