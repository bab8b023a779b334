"""Process settings, read once at the edge from the environment (prefix ``KIEMTRA_``)."""

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from store.db import default_url


class WorkerSettings(BaseSettings):
    """Where Temporal and the database are, and how this worker polls."""

    model_config = SettingsConfigDict(env_prefix="KIEMTRA_", frozen=True, extra="ignore")

    data_dir: Path = Path(".kiemtra")
    database_url: str = ""
    temporal_address: str = Field(
        default="localhost:7233",
        validation_alias=AliasChoices("TEMPORAL_ADDRESS", "KIEMTRA_TEMPORAL_ADDRESS"),
    )
    temporal_namespace: str = Field(
        default="default",
        validation_alias=AliasChoices("TEMPORAL_NAMESPACE", "KIEMTRA_TEMPORAL_NAMESPACE"),
    )
    temporal_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("TEMPORAL_API_KEY", "KIEMTRA_TEMPORAL_API_KEY")
    )
    task_queue: str = "kiemtra"
    max_concurrent_activities: int = 50

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or default_url(self.data_dir)
