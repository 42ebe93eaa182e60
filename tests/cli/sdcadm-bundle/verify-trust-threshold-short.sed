s/; [0-9]+ frames? on [0-9]+ threads?, [0-9.]+s$/; <FRAMES> on <THREADS>, <SECONDS>s/
s/\(([0-9a-f]{12})\)/(<KEYID>)/g
