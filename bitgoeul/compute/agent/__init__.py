"""`bitgoeul gpu-agent`: a node agent that samples NVML and posts GPU usage to the ledger.

Importable WITHOUT Django: it runs on GPU nodes that have no database and no settings, with
the standard library and `pynvml` (nvidia-ml-py) only; PyYAML is used for the mapping file when
it is importable (JSON is accepted otherwise). docs/compute.md, "GPU agent", describes it.
"""
