#!/bin/sh
# LocalStack runs this once it is ready: a hosted zone for mrm.test with shop.mrm.test routed to
# region-a. The zone id is random; give it to the dns-actuator as MRM_ROUTE53_HOSTED_ZONE_ID.
set -eu
zone_id=$(awslocal route53 create-hosted-zone --name mrm.test --caller-reference mrm-local \
  --query 'HostedZone.Id' --output text)
awslocal route53 change-resource-record-sets --hosted-zone-id "$zone_id" --change-batch \
  '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"shop.mrm.test","Type":"CNAME","TTL":30,"ResourceRecords":[{"Value":"shop.region-a.mrm.test"}]}}]}' > /dev/null
echo "mrm.test hosted zone: MRM_ROUTE53_HOSTED_ZONE_ID=${zone_id#/hostedzone/}"
