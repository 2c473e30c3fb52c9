"""Connects allauth's signals to the account services. No logic lives here."""

from allauth.account.signals import (
    email_changed,
    email_confirmed,
    password_changed,
    password_reset,
    password_set,
    user_signed_up,
)
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.dispatch import receiver

from hub.accounts import services


@receiver(user_signed_up)
def on_signed_up(sender, request, user, **kwargs):
    services.account_signed_up(user=user)


@receiver(email_confirmed)
def on_email_confirmed(sender, request, email_address, **kwargs):
    services.email_verified(user=email_address.user, email=email_address.email)


@receiver(email_changed)
def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    services.email_changed(
        user=user,
        from_email=from_email_address.email if from_email_address else "",
        to_email=to_email_address.email,
    )


@receiver(password_changed)
def on_password_changed(sender, request, user, **kwargs):
    services.security_event(user=user, action="account.password_change")


@receiver(password_set)
def on_password_set(sender, request, user, **kwargs):
    services.security_event(user=user, action="account.password_set")


@receiver(password_reset)
def on_password_reset(sender, request, user, **kwargs):
    services.security_event(user=user, action="account.password_reset")


@receiver(authenticator_added)
def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    services.security_event(user=user, action=f"mfa.{authenticator.type}.add")


@receiver(authenticator_removed)
def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    services.security_event(user=user, action=f"mfa.{authenticator.type}.remove")
