"""The staff's back office (``/equipe``): server-rendered French pages whose forms work without
JavaScript. Browser writes are authorised by the session cookie only from this site and with
the session's CSRF token (:mod:`api.csrf`); the access table and the domain policies decide, as
for the API."""
