from .loader import ConfigError, load_config, load_config_text, parse_config
from .model import Account, AccountKind, DataClass, EstateConfig

__all__ = [
    "Account", "AccountKind", "ConfigError", "DataClass", "EstateConfig", "load_config", "load_config_text", "parse_config",
]
