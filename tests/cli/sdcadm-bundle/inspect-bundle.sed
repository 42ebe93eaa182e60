s/^  [0-9a-f]{64}  /  <KEYID>  /
