"""The one Temporal client factory: every process talks pydantic on the wire."""

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from worker.settings import WorkerSettings


async def connect(settings: WorkerSettings) -> Client:
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        api_key=api_key,
        tls=bool(api_key),
    )
