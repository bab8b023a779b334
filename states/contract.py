"""The base of every contract that crosses a boundary (workflow, activity, HTTP)."""

from pydantic import BaseModel, ConfigDict


class Contract(BaseModel):
    """Unknown fields are a caller mistake."""

    model_config = ConfigDict(extra="forbid")
