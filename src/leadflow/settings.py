"""Settings, read from the environment (prefix ``LEADFLOW_``) or a ``.env`` file in one place.

Nothing else in leadflow reads the environment. Build a ``Settings`` where a process
starts (the CLI, the server factory); never at import time.

    LEADFLOW_WORKSPACE      folder holding the definition and the SQLite database (default ".")
    LEADFLOW_DATABASE_URL   SQLAlchemy URL (default sqlite:///<workspace>/leadflow.db)
    LEADFLOW_DEFINITION     definition file or preset name (default <workspace>/definition.yaml)
    LEADFLOW_HOST / _PORT   where ``leadflow serve`` listens (127.0.0.1:8000)
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADFLOW_", env_file=".env", extra="ignore")

    workspace: Path = Field(default=Path("."), description="Folder of the workspace.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy database URL; SQLite in the workspace if unset."
    )
    definition: str | None = Field(
        default=None, description="Definition file or preset name; definition.yaml if unset."
    )
    host: str = Field(default="127.0.0.1", description="Address the server binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the server listens on.")

    @field_validator("workspace")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def workspace_database(self) -> Path | None:
        """The workspace's SQLite file, when no database URL points elsewhere."""
        return None if self.database_url else self.workspace / "leadflow.db"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.workspace / 'leadflow.db').resolve()}"

    @property
    def resolved_definition(self) -> str:
        return self.definition or str(self.workspace / "definition.yaml")
