"""A signed-in member of the public's account: deleting it (their questions: chat/views.py)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from accounts import services
from accounts.forms import DeleteAccountForm
from accounts.roles import user_holds_role
from accounts.selectors import signed_in_user_id


@login_required
@reauthentication_required(allow_get=True)
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user_id=signed_in_user_id(request))
        except services.AccountDeletionRefused as refusal:
            messages.error(request, gettext(refusal.message))
            return HttpResponseRedirect(reverse("accounts:delete"))
        logout(request)
        messages.success(request, gettext("Your account and your personal data have been deleted."))
        return HttpResponseRedirect(reverse("events:home"))
    return render(
        request,
        "accounts/delete_account.html",
        {"form": form, "has_role": user_holds_role(request.user)},
    )
