#!/usr/bin/env bash
# One case from opening to referral with the command line only (README, "A scripted case").
#
#   IDTOOL_OFFICER=NAME IDTOOL_PASSPHRASE=... bash docs/examples/scripted-case.sh OUT_DIR
#
# The officer must be allowed to screen, decide and issue (and the device's issuing organisation
# set once: `idtool certificate organisation ORG_ID`). The data folder is the user's, or
# IDTOOL_DATA; messages follow the user's language (LANG) unless --lang or the settings say
# otherwise. The certificate and the referral packet are written to OUT_DIR, not encrypted.
# The person is fictional; every step stops the script on a refusal (one line, exit status > 0).
set -euo pipefail

out=${1:?usage: scripted-case.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
told=purpose,use,retention,withdrawal

# 1. Open the case with what the person says about themselves; --quiet prints only the number.
case=$(idtool case new --region osh --name "Асель Мисалова" --sex female \
    --birth-date 1998-04-12 --document ID0000001 --quiet)
idtool consent record "$case" --purpose interview --state given --told "$told"

# 2. The screening, read to the person in Kyrgyz; the answers from a file, all or none.
interview=$(idtool interview start "$case" --form nrm-screening --lang ky --quiet)
idtool interview answer "$interview" --file "$here/screening-answers.json"
idtool interview answer "$interview" travel_direction arriving
idtool interview complete "$interview"

# 3. The officer decides; the certificate follows an "identified victim" decision.
idtool decide "$case" identified_victim
idtool certificate issue "$case" --out "$out/certificate-$case.pdf"

# 4. The person consents to a referral to the crisis centre, which receives the packet.
idtool consent record "$case" --purpose referral --state given --to crisis-centre-osh \
    --told "$told"
idtool referral make "$case" --to crisis-centre-osh --service shelter \
    --out "$out/referral-$case.pdf"
idtool referral list "$case"
