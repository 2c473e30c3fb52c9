"""Settings come from the environment and fail loudly on values that cannot be right."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list
from config.settings import _email_settings

ROOT = Path(__file__).resolve().parents[3]


def test_yes_no_values_are_read_and_typos_refused(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfiguredEnv, match="X_FLAG='ture' is not a yes/no value"):
        env_bool("X_FLAG", False)


def test_numbers_and_lists_are_read(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 0) == 12
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfiguredEnv, match="not a whole number"):
        env_int("X_NUM", 0)
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


def test_email_urls_choose_the_backend():
    assert _email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = _email_settings("smtp+tls://user:p%40ss@mail.example:2525")
    assert smtp["EMAIL_HOST"] == "mail.example" and smtp["EMAIL_PORT"] == 2525
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss" and smtp["EMAIL_USE_TLS"] is True
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme 'pigeon'"):
        _email_settings("pigeon://loft")


def _manage(*args, **env):
    clean = {key: value for key, value in os.environ.items()
             if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "HUB_TESTING",
                           "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
        capture_output=True, text=True, timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY="a-long-random-production-secret-key-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="hub.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
