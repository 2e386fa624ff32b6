"""One APIRouter per area of the API; ``api.app.lag_app`` includes them in this order."""
