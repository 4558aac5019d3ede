"""allauth customised through its adapter only (settings and templates do the rest)."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    pass
