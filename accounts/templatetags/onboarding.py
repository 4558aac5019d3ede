from django import template
from django.template.context import Context

from accounts import onboarding

register = template.Library()


@register.simple_tag(takes_context=True)
def after_mfa_setup_url(context: Context) -> str:
    """Where a role holder was going when they were sent to set up their app, or ""."""
    request = context.get("request")
    if request is None:
        return ""
    return onboarding.destination_after_setup(request.session) or ""
