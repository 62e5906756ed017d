"""The paper's figure set: studies (specs), figures and tables drawn from saved results."""
