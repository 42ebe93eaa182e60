s/^  [0-9a-f]{64}  /  <KEYID>  /
s/^(bundle: +b\.sdc \()[0-9.]+ KiB,/\1<SIZE>,/
