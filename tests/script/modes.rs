//! Capacity modes from a script, with the AWS CLI's own forms: `create-stream
//! --stream-mode-details StreamMode=ON_DEMAND` and `update-stream-mode --stream-arn ARN
//! --stream-mode-details StreamMode=PROVISIONED` (botocore's UpdateStreamModeInput).

use super::{errors, outputs, transcript};

#[test]
fn a_script_creates_an_on_demand_stream_and_switches_it_to_provisioned() {
    let (runner, entries) = transcript(
        "aws kinesis create-stream --stream-name s --stream-mode-details StreamMode=ON_DEMAND\n\
         aws kinesis wait stream-exists --stream-name s\n\
         MODE=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.StreamModeDetails.StreamMode --output text)\n\
         expect $MODE == ON_DEMAND\n\
         COUNT=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount)\n\
         expect $COUNT == 4\n\
         aws kinesis split-shard --stream-name s --shard-to-split shardId-000000000000 --new-starting-hash-key 1000\n\
         echo split=$?\n\
         ARN=$(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.StreamARN --output text)\n\
         aws kinesis update-stream-mode --stream-arn $ARN --stream-mode-details StreamMode=PROVISIONED\n\
         echo switched=$?\n\
         STATUS=$(aws kinesis describe-stream-summary --stream-arn $ARN --query StreamDescriptionSummary.StreamStatus --output text)\n\
         expect $STATUS == UPDATING\n\
         wait 30s\n\
         MODE=$(aws kinesis describe-stream-summary --stream-arn $ARN --query StreamDescriptionSummary.StreamModeDetails.StreamMode --output text)\n\
         expect $MODE == PROVISIONED\n\
         COUNT=$(aws kinesis describe-stream-summary --stream-arn $ARN --query StreamDescriptionSummary.OpenShardCount)\n\
         expect $COUNT == 4\n",
    );
    assert_eq!(runner.expects_failed, 0, "{entries:?}");
    let out = outputs(&entries).join("");
    assert!(out.contains("switched=0\n"), "{out}");
    assert!(out.contains("split=255\n"), "{out}");
    let err = errors(&entries).join("");
    assert!(
        err.contains("An error occurred (ValidationException) when calling the SplitShard operation: SplitShard is not supported for stream s under account 123456789012 because it is in ON_DEMAND capacity mode."),
        "{err}"
    );
}

#[test]
fn update_stream_mode_without_its_arn_is_refused_by_the_cli() {
    let (_, entries) = transcript(
        "aws kinesis update-stream-mode --stream-mode-details StreamMode=ON_DEMAND\n\
         echo status=$?\n",
    );
    let out = outputs(&entries).join("");
    assert!(out.contains("status=2\n"), "{out}");
    let err = errors(&entries).join("");
    assert!(
        err.contains("aws: error: the following arguments are required: --stream-arn"),
        "{err}"
    );
}
