"""The team deployment files hang together: every service the README names, the settings they set exist,
and the web process and the workers share the store, the queue and the job folder."""

from __future__ import annotations

from pathlib import Path

import yaml

from laborlens.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_web_and_workers_on_one_store_queue_and_volume():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker"} <= services.keys()
    web, worker = services["web"], services["worker"]
    assert web["environment"] == worker["environment"]
    fields = {f"LABORLENS_{n.upper()}" for n in Settings.model_fields}
    assert set(web["environment"]) <= fields
    assert web["environment"]["LABORLENS_DB"].startswith("postgresql+psycopg://")
    assert web["environment"]["LABORLENS_QUEUE"].startswith("redis://redis:")
    assert web["volumes"] == worker["volumes"]
    assert worker["command"] == ["laborlens", "worker"]


def test_dockerfile_serves_on_all_interfaces_as_a_plain_user():
    text = (ROOT / "Dockerfile").read_text()
    assert "USER laborlens" in text and '"serve", "--host", "0.0.0.0"' in text
    assert "LABORLENS_HOME=/data" in text
