"""The ``kiemtra`` command line: one stack for a laptop, separate processes for a cluster."""

import asyncio
import logging
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from sqlalchemy import make_url
from sqlmodel import Session

from api.app import create_app
from api.schemas import UserCreate
from api.security import hash_password
from api.settings import ApiSettings, Settings
from api.temporal_client import connect
from states.vocabulary import Role
from store.accounts import AccountError, create_user
from store.db import make_engine
from store.migrate import upgrade
from store.queries import organisation_by_code
from worker.build import build_mailer, build_worker
from worker.diagram import main as write_diagram
from worker.schedules import ensure_digest_schedule
from worker.seed import SeedError, seed_demo
from worker.settings import WorkerSettings
from worker.stack import StackOptions, on_stop_signals, run_stack

# Secrets travel through arguments (--password): never print locals in a traceback.
app = typer.Typer(
    name="kiemtra",
    help="Kiểm tra công vụ — public-service inspections as durable Temporal workflows.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
user_app = typer.Typer(help="Accounts, written straight into the database.", no_args_is_help=True)
app.add_typer(user_app, name="user")

ACCOUNT_ROLES = [r.value for r in Role if r is not Role.SYSTEM]

DataDir = Annotated[
    Path,
    typer.Option(
        envvar="KIEMTRA_DATA_DIR",
        help="where the SQLite database, the Temporal state and the JWT secret live",
    ),
]


def _logging(level: int = logging.WARNING) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


@app.command()
def up(
    data_dir: DataDir = Path(".kiemtra"),
    host: Annotated[str, typer.Option(help="interface the API listens on")] = "127.0.0.1",
    api_port: Annotated[int, typer.Option(help="port of the API and web pages")] = 8000,
    temporal_port: Annotated[int, typer.Option(help="gRPC port of the dev server")] = 7233,
    ui_port: Annotated[int, typer.Option(help="Temporal UI port; 0 runs without UI")] = 8233,
    seed: Annotated[bool, typer.Option(help="load the demo data once")] = True,
) -> None:
    """Run the embedded Temporal dev server, the worker and the API until Ctrl-C/SIGTERM."""
    _logging()
    options = StackOptions(
        data_dir=data_dir,
        host=host,
        api_port=api_port,
        temporal_port=temporal_port,
        ui_port=ui_port,
        seed=seed,
    )
    raise typer.Exit(asyncio.run(run_stack(options)))


async def run_worker(settings: WorkerSettings) -> None:
    """Migrate, then poll the task queue until SIGINT/SIGTERM; in-flight tasks finish first."""
    url = settings.resolved_database_url
    upgrade(url)
    engine = make_engine(url)
    client = await connect(settings)
    worker = build_worker(
        client,
        engine,
        settings.task_queue,
        settings.max_concurrent_activities,
        mailer=build_mailer(settings),
        max_concurrent_workflow_tasks=settings.max_concurrent_workflow_tasks,
        public_url=settings.public_url,
    )
    await ensure_digest_schedule(client, settings.task_queue)
    logging.info("kiemtra worker polling %s on %s", settings.task_queue, settings.temporal_address)
    stop = asyncio.Event()
    with on_stop_signals(stop.set):
        running = asyncio.create_task(worker.run())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not running.done():
            await worker.shutdown()
        try:
            await running  # a fatal worker error surfaces here
        finally:
            engine.dispose()


@app.command("worker")
def worker_command() -> None:
    """A worker against the Temporal and database named by the environment.

    TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY or TEMPORAL_PROFILE (TLS),
    KIEMTRA_DATABASE_URL.
    """
    _logging(logging.INFO)
    asyncio.run(run_worker(WorkerSettings()))


@app.command()
def api(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
) -> None:
    """The HTTP API alone, against the Temporal and database named by the environment."""
    _logging()
    # The app's edge decides who the client is (KIEMTRA_TRUSTED_PROXIES), not uvicorn.
    uvicorn.run(create_app(ApiSettings()), host=host, port=port, proxy_headers=False)


@app.command()
def migrate(data_dir: DataDir = Path(".kiemtra")) -> None:
    """Bring the database (KIEMTRA_DATABASE_URL, else DATA_DIR/kiemtra.db) to the latest schema."""
    url = Settings(data_dir=data_dir).resolved_database_url
    upgrade(url)
    typer.echo(f"{make_url(url).render_as_string(hide_password=True)} is up to date")


@app.command("seed")
def seed_command(
    data_dir: DataDir = Path(".kiemtra"),
    temporal_address: Annotated[
        str, typer.Option(envvar="TEMPORAL_ADDRESS", help="the running stack's Temporal")
    ] = "localhost:7233",
) -> None:
    """Load the demo data into a running stack (once: a seeded database is left alone)."""
    _logging()
    settings = ApiSettings(data_dir=data_dir, temporal_address=temporal_address)
    raise typer.Exit(asyncio.run(_seed(settings)))


async def _seed(settings: ApiSettings) -> int:
    url = settings.resolved_database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        client = await connect(settings)
    except RuntimeError as exc:
        raise _fail(
            f"kiemtra seed: Temporal at {settings.temporal_address} does not answer ({exc}); "
            "start the stack first with `kiemtra up`"
        ) from None
    try:
        seeded = await seed_demo(client, engine, settings)
    except SeedError as exc:
        raise _fail(f"kiemtra seed: {exc}") from None
    finally:
        engine.dispose()
    typer.echo("demo data loaded" if seeded else "demo data already present; nothing to do")
    return 0


@app.command()
def diagram(
    path: Annotated[str, typer.Argument(help="the Markdown file to write")] = "docs/lifecycle.md",
) -> None:
    """Write the lifecycle diagram (mermaid) and the trigger/role table."""
    write_diagram(path)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="the sign-in name")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    role: Annotated[str, typer.Option(help=f"one of {', '.join(ACCOUNT_ROLES)}")],
    organisation: Annotated[
        str | None, typer.Option(help="the organisation's code (none for an admin)")
    ] = None,
    full_name: Annotated[str, typer.Option(help="shown on records and minutes")] = "",
    email: Annotated[str, typer.Option()] = "",
    data_dir: DataDir = Path(".kiemtra"),
) -> None:
    """Create an account directly in the database; safe while the stack runs."""
    if role not in ACCOUNT_ROLES:
        # A plain line, not click's boxed usage error: scripts grep for it.
        raise _fail(
            f"kiemtra user add: unknown role '{role}'; choose one of {', '.join(ACCOUNT_ROLES)}",
            code=2,
        )
    try:
        body = UserCreate(
            username=username,
            password=password,
            role=Role(role),
            full_name=full_name,
            email=email,
        )
    except ValidationError as invalid:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in invalid.errors()
        )
        raise _fail(f"kiemtra user add: {problems}") from None

    url = Settings(data_dir=data_dir).resolved_database_url
    upgrade(url)  # a fresh data dir works too; a no-op at the latest schema
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            org = organisation_by_code(session, organisation) if organisation else None
            if organisation and org is None:
                raise _fail(f"kiemtra user add: no organisation has the code '{organisation}'")
            user = create_user(
                session,
                username=body.username,
                password_hash=hash_password(body.password),
                role=body.role,
                organisation_id=org.id if org else None,
                full_name=body.full_name,
                email=body.email,
            )
            typer.echo(
                f"created {user.username} (id {user.id}, role {user.role}, "
                f"organisation {organisation or '-'})"
            )
    except AccountError as refused:
        raise _fail(f"kiemtra user add: {refused}") from None
    finally:
        engine.dispose()


if __name__ == "__main__":
    app(prog_name="kiemtra")
