"""Wire format per API: turn HTTP requests into calls on the model and the model into Amazon's JSON.

Each handler is `handler(emulator, request) -> Response | (status, payload)`; urls.py maps routes to them.
"""
