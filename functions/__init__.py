"""The Lambda functions, one folder each, over the shared adapters and the read model.

On Lambda (LAMBDA_TASK_ROOT set), importing this package pauses the cyclic garbage collector
for the cold start: importing the libraries allocates hundreds of thousands of objects that
live as long as the process, and the collector would otherwise rescan them over a hundred
times before the first request. `functions.shared.cold_start.settled`, which every function
calls once its dependencies are built, freezes what was built and resumes collection (the
sequence the `gc` module's documentation gives for long-lived start-up state). Elsewhere
(tests, the local runtime) nothing changes.

On Lambda, pydantic's plugins are turned off too (unless the environment says otherwise): the
asset installs none, and looking for them reads the metadata of every package in it at the
first model built.
"""

import gc
import os

if os.environ.get("LAMBDA_TASK_ROOT"):
    gc.disable()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
