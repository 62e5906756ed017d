"""The app's server: offline settings, and a Solara server that stops when asked.

Offline by construction: Solara's front end comes from ``solara-assets`` through Solara's local
asset route, plotly.js from the installed ``plotly`` package (served from ``static/assets``),
Solara's usage telemetry is off, its fallback of fetching front-end files missing from
``solara-assets`` from a public CDN points at a closed local port (a missing file fails
visibly, not online), and the production mode shows no development "install check" frame.
The "This website runs on Solara" badge is hidden (it covered the plots).

None of this happens at import: :func:`serve` (called by ``datarovers viz``) applies it to the
server process it runs in, and :func:`configure` applies it to an already imported Solara (for
a notebook).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import warnings
from pathlib import Path

#: The logger of the app's modules (Play's start and stop are logged at INFO).
APP_LOGGER = "simulation.app"
#: What Solara serves: the page component itself (the package would make its modules pages).
APP = "simulation.app.page:Page"
#: Where Solara's asset route would fetch files missing from solara-assets: a closed port.
CLOSED_CDN = "http://127.0.0.1:9/"
#: How long a session whose tabs are all gone is kept before it is closed and its model freed
#: (a reconnect within it resumes the session; Play stops at once either way).
SESSION_TIMEOUT = "30s"
#: Seconds Ctrl-C waits for open browser connections before closing them.
GRACEFUL_SHUTDOWN_S = 2


def plotly_js_dir() -> str:
    """The installed plotly package's ``package_data`` folder, which holds plotly.min.js."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("plotly is not installed; reinstall datarovers")
    return str(Path(next(iter(spec.submodule_search_locations))) / "package_data")


def offline_environment() -> dict[str, str]:
    """The Solara settings of the app, as the environment variables Solara reads at import."""
    return {
        "SOLARA_APP": APP,
        "SOLARA_MODE": "production",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_ASSETS_CDN": CLOSED_CDN,
        "SOLARA_ASSETS_EXTRA_LOCATIONS": json.dumps([plotly_js_dir()]),
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_KERNEL_CULL_TIMEOUT": SESSION_TIMEOUT,
    }


def configure() -> None:
    """Apply the offline settings to the Solara of this process (also when already imported)."""
    import solara.server.settings as server_settings
    import solara.settings as settings

    server_settings.main.mode = "production"
    server_settings.telemetry.mixpanel_enable = False
    server_settings.theme.show_banner = False
    server_settings.kernel.cull_timeout = SESSION_TIMEOUT
    settings.assets.cdn = CLOSED_CDN
    if plotly_js_dir() not in server_settings.assets.extra_locations:
        server_settings.assets.extra_locations.append(plotly_js_dir())


def serve(host: str, port: int) -> None:
    """Serve the app on ``host:port`` in this process until Ctrl-C (SIGINT) or SIGTERM.

    On a stop signal the server closes open browser connections after
    :data:`GRACEFUL_SHUTDOWN_S` seconds, then every session, which stops any playing model.
    """
    os.environ.update(offline_environment())
    os.environ.update({"SERVER_NAME": host, "SERVER_PORT": str(port)})  # as ``solara run``
    configure()
    import uvicorn

    # Solara's advice about cross-site cookies for an app embedded over https: not our case.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    logging.basicConfig(format="%(asctime)s %(name)s: %(message)s", level=logging.WARNING)
    logging.getLogger(APP_LOGGER).setLevel(logging.INFO)
    config = uvicorn.Config("solara.server.starlette:app", host=host, port=port,
                            log_level="warning", timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S)
    uvicorn.Server(config).run()
