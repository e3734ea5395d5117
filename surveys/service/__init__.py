"""Use cases of the surveys domain. Each public function asks :mod:`surveys.policy` what the
principal may do, owns its transaction (``with conn.transaction():``) and returns JSON-able
dicts; a 2xx is only ever built after the transaction committed."""
