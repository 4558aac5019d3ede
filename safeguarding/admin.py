"""Staff keep the safeguarding phrases in the admin."""

from django.contrib import admin

from safeguarding.models import SafeguardingPhrase


@admin.register(SafeguardingPhrase)
class SafeguardingPhraseAdmin(admin.ModelAdmin):
    """Staff keep these lists: crisis phrases (urgent, help at once) and blocked words."""

    list_display = ("phrase", "kind", "is_active", "always_urgent")
    list_filter = ("kind", "is_active", "always_urgent")
    list_editable = ("is_active", "always_urgent")
    search_fields = ("phrase",)
