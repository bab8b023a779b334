"""The worker's settings, over what every process needs (``api.settings.Settings``)."""

from pydantic import SecretStr

from api.settings import Settings


class WorkerSettings(Settings):
    max_concurrent_activities: int = 50
    max_concurrent_workflow_tasks: int = 20
    # E-mail (KIEMTRA_SMTP_*); without a host, notifications are delivered in-app only.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "kiemtra@localhost"
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 30.0
