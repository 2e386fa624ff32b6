"""The app for the browser tests, built from the environment (``uvicorn --factory tests.web.appfabrikk:lag``)."""

import os

from fastapi import FastAPI

from api.app import lag_app


def lag() -> FastAPI:
    return lag_app(os.environ["ALLOKERING_WEBTEST_DB"], maks_arbeidere=2, varm=True)
