"""Flask extensions created once, bound to the app in the factory (portal.create_app).

Blueprints import them from here, never from the factory, so no module imports the factory back.
"""

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
