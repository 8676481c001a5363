"""Entry point of the real Celery worker in ``test_report_worker.py`` (run as a script).

The worker runs the real task and service code on the test database. Two things are set up
for the test through the control directory ``OVERVIEW_TEST_CONTROL_DIR``:

* ``figures.json`` — the figures the aggregation returns, so the test knows every number;
* the PDF step waits while a file ``hold-pdf`` exists and raises while ``fail-pdf`` exists,
  so the test can watch a build in the middle, kill the worker there, or make the step fail.

``OVERVIEW_TEST_VISIBILITY_TIMEOUT`` shortens the time after which the broker hands an
unacknowledged task (``acks_late``) of a killed worker to another worker.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kreisintegration.settings")
    import django

    django.setup()

    from kreisintegration.celery import app
    from overview import report_pdf, services

    control = Path(os.environ["OVERVIEW_TEST_CONTROL_DIR"])
    figures = json.loads((control / "figures.json").read_text(encoding="utf-8"))
    services.compute_report_figures = lambda *, district, year: figures
    render = report_pdf.render_report_pdf

    def controlled_pdf(**kwargs):
        while (control / "hold-pdf").exists():
            time.sleep(0.1)
        if (control / "fail-pdf").exists():
            raise RuntimeError("Testfehler im PDF-Schritt")
        return render(**kwargs)

    report_pdf.render_report_pdf = controlled_pdf
    visibility = os.environ.get("OVERVIEW_TEST_VISIBILITY_TIMEOUT")
    if visibility:
        app.conf.broker_transport_options = {
            **app.conf.broker_transport_options,
            "visibility_timeout": float(visibility),
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
    app.worker_main(["worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
