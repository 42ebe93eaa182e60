s/\(([0-9a-f]{12})\)/(<KEYID>)/g
s/(bootstrap [0-9]{8}T[0-9]{6}Z)-[0-9a-f]{8}/\1-<HASH>/g
