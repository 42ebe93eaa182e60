s/"keyid": "[0-9a-f]{64}"/"keyid": "<KEYID>"/g
s/"file_size": [0-9]+,/"file_size": <SIZE>,/
