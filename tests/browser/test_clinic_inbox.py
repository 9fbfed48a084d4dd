"""The whole path of "Send to my clinic", in Chromium: a patient sends through nginx to the
patient deployment; a member of staff signs in through a real OIDC provider (run here) on
the staff deployment, behind its own nginx; both share one PostgreSQL database. The staff
member sees the submission first as crisis, opens it, exports it and deletes it."""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from screening.inbox.sealing import generate_identity

from . import journeys as J
from .harness import IDENTITY_PROVIDERS, AppServer, free_port, open_app, settle, start_app
from .proxy import COOKIE_SECRET_ENV, Proxy, ProxyUnavailable, find_nginx, start_proxy

CLINIC = "Harbour Clinic"
STAFF_EMAIL = "lead@harbour.example"


@pytest.fixture(scope="module")
def postgres() -> Iterator[Any]:
    """One PostgreSQL server (fails under CI=true when it cannot start)."""
    from tests.inbox.conftest import skip_or_fail
    from tests.inbox.postgres import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer.start_new()
    except PostgresUnavailable as exc:
        skip_or_fail(str(exc))
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A real OpenID Connect provider on loopback with one member of staff."""
    from oidc_provider_mock import User, run_server_in_thread

    staff = User(sub="lead", claims={"email": STAFF_EMAIL, "email_verified": True})
    with run_server_in_thread(port=free_port(), user_claims=[staff]) as server:
        IDENTITY_PROVIDERS.add(f"127.0.0.1:{server.server_port}")
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="module")
def deployments(
    postgres: Any, provider: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The patient deployment (public key only) and the staff deployment (private key,
    sign-in), each behind its own nginx, sharing one PostgreSQL database."""
    try:
        find_nginx()
    except ProxyUnavailable as exc:
        pytest.skip(str(exc))
    folder = tmp_path_factory.mktemp("clinic")
    identity = generate_identity()
    key_file = folder / "clinic.key"
    key_file.write_text(identity.secret() + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    database = postgres.create_database()
    inbox = f'[inbox]\ndatabase_url = "{database}"\nrecipients = ["{identity.public_key}"]\n'
    patient_settings = folder / "patient.toml"
    patient_settings.write_text(f'clinic_name = "{CLINIC}"\n\n{inbox}', encoding="utf-8")
    staff_settings = folder / "staff.toml"
    staff_settings.write_text(
        f'clinic_name = "{CLINIC}"\nstaff_review = true\n\n{inbox}\n'
        f'[staff]\nallowed_emails = ["{STAFF_EMAIL}"]\n',
        encoding="utf-8",
    )
    staff_port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{staff_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "screening-staff"\n'
        'client_secret = "not-a-secret-in-tests"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    servers: list[AppServer] = []
    proxies: list[Proxy] = []
    try:
        patient = start_app(
            log_dir=folder,
            env={"SCREENING_SETTINGS": str(patient_settings), COOKIE_SECRET_ENV: "p" * 64},
        )
        servers.append(patient)
        staff = start_app(
            log_dir=folder,
            extra_args=("--secrets.files", str(secrets_file)),
            env={
                "SCREENING_SETTINGS": str(staff_settings),
                "SCREENING_INBOX_IDENTITY_FILE": str(key_file),
                COOKIE_SECRET_ENV: "s" * 64,
            },
        )
        servers.append(staff)
        proxies.append(start_proxy(folder / "nginx-patient", [patient]))
        proxies.append(start_proxy(folder / "nginx-staff", [staff], port=staff_port))
        yield {
            "patient": proxies[0].url,
            "staff": proxies[1].url,
            "database": database,
            "postgres": postgres,
            "folder": folder,
        }
    finally:
        for proxy in proxies:
            proxy.stop()
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def sent(deployments: dict[str, Any], open_page: Any) -> dict[str, Any]:
    """A patient answers (item 9 above "Not at all") and sends to the clinic."""
    page: Page = open_page()
    sentinel = f"zq{secrets.token_hex(6)}"
    answers = J.story("crisis", sentinel)
    open_app(page, deployments["patient"])
    J.start(page, answers)
    J.complete(page, answers)
    J.to_results(page)
    send = J.keyed(page, "wiz:send").get_by_role("button")
    staff_link = page.get_by_role("link", name="Staff review")
    expect(send).to_be_visible()
    no_staff_page = staff_link.count() == 0
    send.click()
    receipt = page.get_by_text("Your reference is", exact=False)
    expect(receipt).to_be_visible()
    reference = receipt.locator("strong").inner_text().strip()
    settle(page)
    send.click()
    again_text = page.get_by_text("These answers were already sent", exact=False)
    try:
        expect(again_text).to_be_visible()
        again = True
    except AssertionError:
        again = False
    page.context.close()
    return {
        "reference": reference,
        "again": again,
        "no_staff_page": no_staff_page,
        "sentinel": sentinel,
    }


def sign_in(page: Page, url: str) -> None:
    """Open the staff deployment and sign in through the OIDC provider as the staff member."""
    open_app(page, url)
    page.get_by_role("link", name="Staff review").click()
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name="lead", exact=True).click()  # the provider's form
    # Streamlit returns to the app's first page after signing in.
    expect(page.get_by_role("link", name="Staff review")).to_be_visible(timeout=20_000)
    page.get_by_role("link", name="Staff review").click()
    expect(page.get_by_text("Signed in as lead", exact=False)).to_be_visible(timeout=20_000)


def click_grid_row(grid: Any, index: int) -> None:
    """Click row ``index`` of a st.dataframe (drawn on a canvas: 35 px header and rows),
    on its row-selection box."""
    box = grid.locator("canvas").first.bounding_box()
    assert box is not None
    grid.page.mouse.click(box["x"] + 16, box["y"] + 35 + 35 * index + 17)


def test_the_patient_gets_a_reference_once(sent: dict[str, Any]) -> None:
    """Sending shows a short reference; a second click says the answers were already sent."""
    assert len(sent["reference"]) == 9 and sent["again"]


def test_the_patient_deployment_has_no_staff_page(sent: dict[str, Any]) -> None:
    """The patient deployment's navigation has no staff page at all."""
    assert sent["no_staff_page"]


def test_the_database_holds_no_answer_text(
    sent: dict[str, Any], deployments: dict[str, Any]
) -> None:
    """A dump of the shared database holds the reference but none of the typed answers."""
    dump = deployments["postgres"].pg_dump(deployments["database"])
    assert b"submissions" in dump  # the dump is of the inbox
    assert sent["sentinel"].encode() not in dump  # typed into the name and the notes


def test_staff_see_it_first_as_crisis_open_export_and_delete(
    sent: dict[str, Any], deployments: dict[str, Any], open_page: Any, tmp_path: Path
) -> None:
    """Signed in through the OIDC provider, the staff member sees the submission flagged
    crisis at the top, opens it by its row, downloads the ZIP (PDF named by reference),
    and deletes it after confirming."""
    page: Page = open_page()
    sign_in(page, deployments["staff"])
    expect(page.get_by_text("⚠ CRISIS: 1 submission", exact=False)).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    settle(page)
    click_grid_row(grid, 0)
    expect(page.get_by_role("heading", name=f"Submission {sent['reference']}")).to_be_visible()
    zip_path = J.save_download(
        page, J.keyed(page, "staff_inbox_zip").get_by_role("button"), tmp_path
    )
    with zipfile.ZipFile(io.BytesIO(zip_path.read_bytes())) as archive:
        names = archive.namelist()
    assert f"{sent['reference']}.pdf" in names
    J.keyed(page, "staff_inbox_delete").get_by_role("button").click()
    J.keyed(page, "staff_inbox_delete_yes").get_by_role("button").click()
    expect(page.get_by_text(f"{sent['reference']} was deleted from the inbox.")).to_be_visible()
    expect(page.get_by_text("The inbox is empty.")).to_be_visible()
