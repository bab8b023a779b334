"""Process settings, read once at the edge from the environment (prefix ``KIEMTRA_``): what
every process needs, and the HTTP API's own (the worker's are in ``worker.settings``)."""

import contextlib
import os
import secrets
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from states.policies import PolicySet, policy_from_text
from store.db import default_url


class Settings(BaseSettings):
    """What every kiemtra process needs: where Temporal and the database are."""

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
    temporal_profile: str | None = Field(
        default=None,
        description="a temporalio.envconfig profile (TOML) for TLS / API key / address",
        validation_alias=AliasChoices("TEMPORAL_PROFILE", "KIEMTRA_TEMPORAL_PROFILE"),
    )
    task_queue: str = "kiemtra"
    policy_file: Path | None = None
    # Where people open the pages: notifications link to the inspection's page there.
    public_url: str = Field(default="http://localhost:8000", max_length=500)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or default_url(self.data_dir)

    def policies(self) -> PolicySet:
        """Deadline policies: the defaults, overridden by KIEMTRA_POLICY_FILE (TOML or YAML)."""
        if self.policy_file is None:
            return PolicySet()
        fmt: Literal["toml", "yaml"] = (
            "yaml" if self.policy_file.suffix.lower() in (".yaml", ".yml") else "toml"
        )
        return policy_from_text(self.policy_file.read_text(encoding="utf-8"), fmt)


class ApiSettings(Settings):
    """The HTTP API: tokens, sign-in lockout, the HTTP edge and the bound on Temporal calls."""

    production: bool = False
    secret_key: SecretStr | None = None
    # Short-lived access tokens; the refresh token keeps the sign-in alive between them.
    access_token_minutes: int = Field(default=15, gt=0)
    refresh_token_days: int = Field(default=7, gt=0)
    # Consecutive failed sign-ins that lock an account, and for how long.
    lockout_attempts: int = Field(default=5, gt=0)
    lockout_minutes: int = Field(default=15, gt=0)
    # Sign-ins per client IP: a token bucket refilled at this rate, holding ``signin_burst``.
    # An office behind one NAT address signs in in a morning rush, hence the burst.
    signin_rate_per_minute: float = Field(default=20, gt=0)
    signin_burst: int = Field(default=10, gt=0)
    # Reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs, comma-separated).
    trusted_proxies: Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode] = ()
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    # Evidence files: where they are kept (an obstore URL such as s3://bucket/prefix; empty:
    # <data_dir>/files), the largest one upload may bring, and clamd ("host:port" or a unix
    # socket path) to scan them with (empty: no scan).
    files_url: str = ""
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    clamd: str = ""
    update_timeout_seconds: float = 15.0

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part for part in value.replace(" ", ",").split(",") if part]
        # strict=False: "10.0.0.1/8" means the network 10.0.0.0/8, as people write it.
        return tuple(ip_network(str(item), strict=False) for item in value)

    def signing_key(self) -> str:
        """The JWT key: from settings; outside production, generated once into the data dir."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        if self.production:
            raise RuntimeError("KIEMTRA_SECRET_KEY must be set in production mode")
        path = self.data_dir / "secret_key"
        if not path.exists():
            _create_key_file(path)
        return path.read_text(encoding="utf-8").strip()


def _create_key_file(path: Path) -> None:
    """Write a fresh key readable by its owner only, from the first byte on.

    Written to a private temporary file and linked into place: a process starting at the
    same moment either sees no key or the whole key, and the first link wins.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(48))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()
