"""The one Temporal client factory: every process talks pydantic on the wire."""

from typing import Any

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.envconfig import ClientConfigProfile

from api.settings import Settings


def connect_options(settings: Settings) -> dict[str, Any]:
    """Address, namespace, TLS and API key from an envconfig profile, then from settings."""
    options: dict[str, Any] = {}
    if settings.temporal_profile:
        options.update(
            ClientConfigProfile.load(profile=settings.temporal_profile).to_client_connect_config()
        )
    options.setdefault("target_host", settings.temporal_address)
    options.setdefault("namespace", settings.temporal_namespace)
    if settings.temporal_api_key is not None:
        options["api_key"] = settings.temporal_api_key.get_secret_value()
        options.setdefault("tls", True)
    return options


async def connect(settings: Settings, *, lazy: bool = False) -> Client:
    return await Client.connect(
        **connect_options(settings), data_converter=pydantic_data_converter, lazy=lazy
    )
