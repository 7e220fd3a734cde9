"""The local runtime (`python -m infra.local`) as a subprocess on free ports, for e2e tests."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from bench.local_process import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]


class RunningBackend:
    """`data_dir` None keeps data in memory only; `rate_scale` None keeps Amazon's real rates.

    The runtime's output goes to `log_path` (by default next to `data_dir`), not to a pipe that
    nobody reads while it runs and a long test could fill: `output()` reads what the current
    run wrote so far, `stop()` returns it.
    """

    def __init__(
        self,
        data_dir: Path | None,
        *,
        log_path: Path | None = None,
        schedule_seconds: float = 3600,
        rate_scale: float | None = None,
    ) -> None:
        self.api_port, self.sim_port = free_port(), free_port()
        self.env = {
            **os.environ,
            "LOCAL_API_PORT": str(self.api_port),
            "LOCAL_SIM_PORT": str(self.sim_port),
            "LOCAL_SCHEDULE_SECONDS": f"{schedule_seconds:g}",
        }
        self.env.pop("LOCAL_DATA_DIR", None)
        if data_dir is not None:
            self.env["LOCAL_DATA_DIR"] = str(data_dir)
        if rate_scale is not None:
            self.env["LOCAL_SIM_RATE_SCALE"] = f"{rate_scale:g}"
        if log_path is None:
            assert data_dir is not None, "give log_path when data is kept in memory"
            log_path = data_dir.parent / "local-runtime.log"
        self.log_path = log_path
        self.process: subprocess.Popen[str] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def sim_url(self) -> str:
        return f"http://127.0.0.1:{self.sim_port}"

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w", encoding="utf-8") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [sys.executable, "-m", "infra.local"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        wait_until_serving(self.api_url, self.process, self.output)

    def stop(self) -> str:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)
        output = self.output()
        assert self.process.returncode == 0, output
        return output

    def restart(self) -> None:
        output = self.stop()
        assert "Stopped." in output
        self.start()

    def kill(self) -> None:
        """Ends the runtime if it is still running (a test failed midway)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
