"""Web pages (bokmål) for the allocation meeting, the waiting list, managers' dashboards and scenarios,
served by the API's FastAPI app: ``api.web.sider.monter(app)``."""
