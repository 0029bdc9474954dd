//! The port against jmespath.py itself: each expression below was searched with jmespath
//! 1.1.0 (the CLI's) over the same document, and its result (as Python's `json.dumps`
//! prints it) or its error's text recorded here.

use super::{compile, search};
use crate::script::pyjson;

/// A document with a response's shapes: ordered objects, numbers of both kinds, falsy values.
const DATA: &str = "{\"Shards\": [{\"ShardId\": \"shardId-000000000000\", \"HashKeyRange\": {\"StartingHashKey\": \"0\", \"EndingHashKey\": \"170141183460469231731687303715884105727\"}, \"SequenceNumberRange\": {\"StartingSequenceNumber\": \"4967\"}}, {\"ShardId\": \"shardId-000000000001\", \"ParentShardId\": \"shardId-000000000000\", \"HashKeyRange\": {\"StartingHashKey\": \"170141183460469231731687303715884105728\", \"EndingHashKey\": \"340282366920938463463374607431768211455\"}, \"SequenceNumberRange\": {\"StartingSequenceNumber\": \"4968\", \"EndingSequenceNumber\": \"4969\"}}], \"StreamNames\": [\"Bar\", \"Baz\", \"Foo\"], \"Counts\": [3, 1, 2.5, 4], \"Flag\": true, \"Zero\": 0, \"Empty\": \"\", \"Nested\": [[1, 2], [3, [4]], 5]}";

/// (expression, `json.dumps(result)` or the error's `str()`).
#[rustfmt::skip]
const CASES: &[(&str, Result<&str, &str>)] = &[
    ("Shards[0]", Ok("{\"ShardId\": \"shardId-000000000000\", \"HashKeyRange\": {\"StartingHashKey\": \"0\", \"EndingHashKey\": \"170141183460469231731687303715884105727\"}, \"SequenceNumberRange\": {\"StartingSequenceNumber\": \"4967\"}}")),
    ("Shards[0].HashKeyRange", Ok("{\"StartingHashKey\": \"0\", \"EndingHashKey\": \"170141183460469231731687303715884105727\"}")),
    ("Shards[0].HashKeyRange.*", Ok("[\"0\", \"170141183460469231731687303715884105727\"]")),
    ("keys(Shards[0])", Ok("[\"ShardId\", \"HashKeyRange\", \"SequenceNumberRange\"]")),
    ("values(Shards[0].HashKeyRange)", Ok("[\"0\", \"170141183460469231731687303715884105727\"]")),
    ("Shards[].ShardId", Ok("[\"shardId-000000000000\", \"shardId-000000000001\"]")),
    ("Shards[*].ShardId", Ok("[\"shardId-000000000000\", \"shardId-000000000001\"]")),
    ("Shards[?ParentShardId].ShardId", Ok("[\"shardId-000000000001\"]")),
    ("Shards[?!ParentShardId].ShardId", Ok("[\"shardId-000000000000\"]")),
    ("StreamNames[?starts_with(@, `B`)]", Ok("[\"Bar\", \"Baz\"]")),
    ("StreamNames[?starts_with(@, 'B')]", Ok("[\"Bar\", \"Baz\"]")),
    ("StreamNames[?@ == `\"Foo\"`]", Ok("[\"Foo\"]")),
    ("length(StreamNames)", Ok("3")),
    ("sort(Counts)", Ok("[1, 2.5, 3, 4]")),
    ("max(Counts)", Ok("4")),
    ("min(Counts)", Ok("1")),
    ("sum(Counts)", Ok("10.5")),
    ("avg(Counts)", Ok("2.625")),
    ("reverse(StreamNames)", Ok("[\"Foo\", \"Baz\", \"Bar\"]")),
    ("join(', ', StreamNames)", Ok("\"Bar, Baz, Foo\"")),
    ("Shards[].{id: ShardId, end: SequenceNumberRange.EndingSequenceNumber}", Ok("[{\"id\": \"shardId-000000000000\", \"end\": null}, {\"id\": \"shardId-000000000001\", \"end\": \"4969\"}]")),
    ("Shards[].[ShardId, ParentShardId]", Ok("[[\"shardId-000000000000\", null], [\"shardId-000000000001\", \"shardId-000000000000\"]]")),
    ("sort_by(Shards, &ShardId)[].ShardId", Ok("[\"shardId-000000000000\", \"shardId-000000000001\"]")),
    ("max_by(Shards, &ShardId).ShardId", Ok("\"shardId-000000000001\"")),
    ("min_by(Counts[*].to_string(@), &@)", Ok("\"1\"")),
    ("to_string(Shards[0].HashKeyRange)", Ok("\"{\\\"StartingHashKey\\\":\\\"0\\\",\\\"EndingHashKey\\\":\\\"170141183460469231731687303715884105727\\\"}\"")),
    ("to_number('42')", Ok("42")),
    ("to_number('4.5')", Ok("4.5")),
    ("to_number('x')", Ok("null")),
    ("type(Flag)", Ok("\"boolean\"")),
    ("type(Zero)", Ok("\"number\"")),
    ("Counts[1:3]", Ok("[1, 2.5]")),
    ("Counts[::-1]", Ok("[4, 2.5, 1, 3]")),
    ("Counts[-1]", Ok("4")),
    ("Counts[10]", Ok("null")),
    ("Nested[]", Ok("[1, 2, 3, [4], 5]")),
    ("Nested[][]", Ok("[1, 2, 3, 4, 5]")),
    ("Zero || 'x'", Ok("0")),
    ("Empty || 'x'", Ok("\"x\"")),
    ("Flag && 'yes'", Ok("\"yes\"")),
    ("!Zero", Ok("false")),
    ("!Empty", Ok("true")),
    ("Counts[?@ > `2`]", Ok("[3, 2.5, 4]")),
    ("Zero == `false`", Ok("false")),
    ("Counts == `[3, 1, 2.5, 4]`", Ok("true")),
    ("`1` == `1.0`", Ok("true")),
    ("merge(Shards[0].HashKeyRange, {a: `1`})", Ok("{\"StartingHashKey\": \"0\", \"EndingHashKey\": \"170141183460469231731687303715884105727\", \"a\": 1}")),
    ("not_null(Missing, Zero)", Ok("0")),
    ("contains(StreamNames, 'Foo')", Ok("true")),
    ("contains('Foo', 'o')", Ok("true")),
    ("abs(`-3`)", Ok("3")),
    ("ceil(`2.5`)", Ok("3")),
    ("floor(`2.5`)", Ok("2")),
    ("map(&ShardId, Shards)", Ok("[\"shardId-000000000000\", \"shardId-000000000001\"]")),
    ("Shards | [0] | ShardId", Ok("\"shardId-000000000000\"")),
    ("StreamNames[0] < StreamNames[1]", Ok("true")),
    ("Counts[0] < StreamNames[0]", Err("'<' not supported between instances of 'int' and 'str'")),
    ("to_array(Zero)", Ok("[0]")),
    ("`{\"b\": 1, \"a\": 2}`", Ok("{\"b\": 1, \"a\": 2}")),
    ("length(`\"é\"`)", Ok("1")),
    ("to_string('é')", Ok("\"\\u00e9\"")),
    ("to_string(`\"é\"`)", Ok("\"\\u00e9\"")),
    ("Shards[", Err("Invalid jmespath expression: Incomplete expression:\n\"Shards[\"\n        ^")),
    ("", Err("Invalid JMESPath expression: cannot be empty.")),
    ("foo.", Err("Expecting: ['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace'], got: eof: Parse error at column 4, token \"\" (EOF), for expression:\n\"foo.\"\n     ^")),
    ("a b", Err("Unexpected token: b: Parse error at column 2, token \"b\" (UNQUOTED_IDENTIFIER), for expression:\n\"a b\"\n   ^")),
    ("[?", Err("Invalid jmespath expression: Incomplete expression:\n\"[?\"\n   ^")),
    ("foo[1", Err("Invalid jmespath expression: Incomplete expression:\n\"foo[1\"\n      ^")),
    ("`bad", Err("Bad jmespath expression: Unclosed ` delimiter:\n`bad\n^")),
    ("length()", Err("Expected 1 argument for function length(), received 0")),
    ("abs('x')", Err("In function abs(), invalid type for value: x, expected one of: ['number'], received: \"string\"")),
    ("sort(`[1, \"a\"]`)", Err("In function sort(), invalid type for value: a, expected one of: ['array-string', 'array-number'], received: \"str\"")),
    ("unknown(@)", Err("Unknown function: unknown()")),
    ("'abc", Err("Bad jmespath expression: Unclosed ' delimiter:\n'abc\n^")),
    ("a = b", Err("Bad jmespath expression: Unknown token '=':\na = b\n  ^")),
    ("foo.-1", Err("Expecting: ['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace'], got: number: Parse error at column 4, token \"-1\" (NUMBER), for expression:\n\"foo.-1\"\n     ^")),
    ("\"a\\x\"", Err("Bad jmespath expression: Invalid \\escape:\n\"a\\x\"\n^")),
    ("foo[1:2:0]", Ok("null")),
    ("(a)(b)", Err("Unknown function: a()")),
    ("{a}", Err("Expecting: colon, got: rbrace: Parse error at column 2, token \"}\" (RBRACE), for expression:\n\"{a}\"\n   ^")),
    ("{a: b", Err("Invalid jmespath expression: Incomplete expression:\n\"{a: b\"\n      ^")),
    ("\"f\"(a)", Err("Quoted identifier not allowed for function names.: Parse error at column 0, token \"(\" (LPAREN), for expression:\n\"\"f\"(a)\"\n ^")),
    ("a.[b", Err("Invalid jmespath expression: Incomplete expression:\n\"a.[b\"\n     ^")),
    ("Counts[0:1:2:3]", Err("syntax error: Parse error at column 12, token \":\" (COLON), for expression:\n\"Counts[0:1:2:3]\"\n             ^")),
    ("sort_by(Shards, &Flag)", Err("In function sort_by(), invalid type for value: {'ShardId': 'shardId-000000000000', 'HashKeyRange': {'StartingHashKey': '0', 'EndingHashKey': '170141183460469231731687303715884105727'}, 'SequenceNumberRange': {'StartingSequenceNumber': '4967'}}, expected one of: ['string', 'number'], received: \"null\"")),
    ("max_by(Counts, &to_string(@))", Ok("4")),
];

#[test]
fn every_case_as_jmespath_py() {
    let data = pyjson::loads(DATA).unwrap();
    for (expression, expected) in CASES {
        let got = compile(expression).and_then(|node| search(&node, &data));
        let got = got.map(|value| pyjson::dumps(&value, false));
        let got = got.as_ref().map(String::as_str).map_err(String::as_str);
        assert_eq!(got, *expected, "{expression}");
    }
}
