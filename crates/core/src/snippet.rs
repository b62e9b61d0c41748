//! Code that sends a checked request elsewhere: the aliyun CLI, the official SDKs
//! (Python, Node.js, TypeScript, Java, Go, PHP, C#), curl to this project's proxy, and
//! the raw HTTP request. Every snippet takes credentials from the default chain or the
//! environment (never inline), names the region, sends only the parameters that apply,
//! escapes values for its language and says which engine rule it follows. The SDK
//! snippets honour `ALIBABA_CLOUD_RDS_ENDPOINT` (e.g. `http://127.0.0.1:18080`) to
//! point at an emulator; unset, the SDK uses the region's official endpoint.

use crate::endpoint::{Endpoint, Region};
use crate::model::Field;
use crate::request::CreateBackup;
use crate::sign::{Method, SignatureVersion, preview, shell_quote};
use crate::time::UtcTime;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// The languages a snippet can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SnippetLang {
    /// The `aliyun` command line.
    Aliyun,
    /// Python, `alibabacloud_rds20140815`.
    Python,
    /// Node.js (CommonJS), `@alicloud/rds20140815`.
    Node,
    /// TypeScript, `@alicloud/rds20140815`.
    TypeScript,
    /// Java, `com.aliyun:rds20140815`.
    Java,
    /// Go, `github.com/alibabacloud-go/rds-20140815`.
    Go,
    /// PHP, `alibabacloud/rds-20140815`.
    Php,
    /// C#, `AlibabaCloud.SDK.Rds20140815`.
    CSharp,
    /// curl to this project's proxy (`POST /api/backups`).
    Curl,
    /// The raw HTTP request (V3, signature as a placeholder).
    Http,
}

impl SnippetLang {
    /// Every language, in the order a picker lists them.
    pub const ALL: [SnippetLang; 10] = [
        SnippetLang::Aliyun,
        SnippetLang::Python,
        SnippetLang::Node,
        SnippetLang::TypeScript,
        SnippetLang::Java,
        SnippetLang::Go,
        SnippetLang::Php,
        SnippetLang::CSharp,
        SnippetLang::Curl,
        SnippetLang::Http,
    ];

    /// The short name used on the command line and in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            SnippetLang::Aliyun => "aliyun",
            SnippetLang::Python => "python",
            SnippetLang::Node => "node",
            SnippetLang::TypeScript => "typescript",
            SnippetLang::Java => "java",
            SnippetLang::Go => "go",
            SnippetLang::Php => "php",
            SnippetLang::CSharp => "csharp",
            SnippetLang::Curl => "curl",
            SnippetLang::Http => "http",
        }
    }

    /// What a picker shows.
    pub const fn label(self) -> &'static str {
        match self {
            SnippetLang::Aliyun => "aliyun CLI",
            SnippetLang::Python => "Python",
            SnippetLang::Node => "Node.js",
            SnippetLang::TypeScript => "TypeScript",
            SnippetLang::Java => "Java",
            SnippetLang::Go => "Go",
            SnippetLang::Php => "PHP",
            SnippetLang::CSharp => "C#",
            SnippetLang::Curl => "curl (proxy)",
            SnippetLang::Http => "HTTP",
        }
    }

    /// The usual file extension.
    pub const fn extension(self) -> &'static str {
        match self {
            SnippetLang::Aliyun | SnippetLang::Curl => "sh",
            SnippetLang::Python => "py",
            SnippetLang::Node => "js",
            SnippetLang::TypeScript => "ts",
            SnippetLang::Java => "java",
            SnippetLang::Go => "go",
            SnippetLang::Php => "php",
            SnippetLang::CSharp => "cs",
            SnippetLang::Http => "http",
        }
    }

    /// Reads a short name (`python`, `ts`, `c#` ... are accepted).
    pub fn parse(s: &str) -> Option<SnippetLang> {
        let s = s.to_ascii_lowercase();
        SnippetLang::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .or(match s.as_str() {
                "cli" => Some(SnippetLang::Aliyun),
                "py" => Some(SnippetLang::Python),
                "js" | "nodejs" | "javascript" => Some(SnippetLang::Node),
                "ts" => Some(SnippetLang::TypeScript),
                "golang" => Some(SnippetLang::Go),
                "c#" | "cs" | "dotnet" => Some(SnippetLang::CSharp),
                "raw" => Some(SnippetLang::Http),
                _ => None,
            })
    }
}

/// Where a snippet sends the request, and how it authenticates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The region (it picks the endpoint).
    pub region: Region,
    /// For the aliyun CLI: the profile to name, if any.
    pub profile: Option<String>,
    /// For curl: the proxy's base URL.
    pub proxy_url: String,
    /// For curl: the proxy wants a bearer token (read from `$RDS_BACKUP_TOKEN`).
    pub proxy_token: bool,
}

impl Target {
    /// A target in `region`, proxy at `http://127.0.0.1:8080`.
    pub fn new(region: Region) -> Target {
        Target {
            region,
            profile: None,
            proxy_url: "http://127.0.0.1:8080".into(),
            proxy_token: false,
        }
    }
}

/// The one line naming the rule the request follows.
fn rule_line(req: &CreateBackup) -> String {
    format!("Rule {}: {}.", req.rule().id, req.rule().summary)
}

/// The opening comment of an SDK snippet: the rule, how to install, where credentials come from.
fn header(comment: &str, req: &CreateBackup, install: &str) -> String {
    format!(
        "{c} {}\n{c} {install}\n{c} Credentials come from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID and\n{c} ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ~/.aliyun/config.json), never from this file.",
        rule_line(req),
        c = comment
    )
}

/// One line per parameter: `line(field, value)` with the value a number or a string `literal`.
fn each_param(
    req: &CreateBackup,
    literal: fn(&str) -> String,
    line: impl Fn(Field, String) -> String,
) -> String {
    params(req)
        .into_iter()
        .map(|(f, v)| line(f, if is_number(f) { v } else { literal(&v) }))
        .collect()
}

/// How a parameter is typed in the SDKs: only the retention period is a number.
fn is_number(field: Field) -> bool {
    field == Field::BackupRetentionPeriod
}

/// `"..."` with the escapes C-like languages share; `\u{..}` spelled by `unicode`.
fn c_string(s: &str, unicode: fn(u32) -> String) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&unicode(c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `"..."` with `\uXXXX` for what has no short escape: a string of Python, Java, C#, Go
/// and JSON alike.
fn quoted(s: &str) -> String {
    c_string(s, |u| format!("\\u{u:04x}"))
}

/// A Python string literal.
pub fn python_str(s: &str) -> String {
    quoted(s)
}

/// A JavaScript/TypeScript string literal (single quotes).
pub fn js_str(s: &str) -> String {
    let double = quoted(s);
    let inner = &double[1..double.len() - 1];
    format!("'{}'", inner.replace("\\\"", "\"").replace('\'', "\\'"))
}

/// A Java or C# string literal.
pub fn java_str(s: &str) -> String {
    quoted(s)
}

/// A Go string literal.
pub fn go_str(s: &str) -> String {
    quoted(s)
}

/// A PHP single-quoted string literal (only `\` and `'` are special there).
pub fn php_str(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The parameters, in the API's order.
fn params(req: &CreateBackup) -> Vec<(Field, String)> {
    req.params().0
}

/// Python's snake_case model field for an API parameter.
fn python_field(f: Field) -> &'static str {
    match f {
        Field::DBInstanceId => "dbinstance_id",
        Field::DBName => "dbname",
        Field::BackupStrategy => "backup_strategy",
        Field::BackupMethod => "backup_method",
        Field::BackupType => "backup_type",
        _ => "backup_retention_period",
    }
}

/// The field names of the Node/TypeScript/PHP models (the generator's mixed casing).
fn camel_field(f: Field) -> &'static str {
    match f {
        Field::DBInstanceId => "DBInstanceId",
        Field::DBName => "DBName",
        Field::BackupStrategy => "backupStrategy",
        Field::BackupMethod => "backupMethod",
        Field::BackupType => "backupType",
        _ => "backupRetentionPeriod",
    }
}

fn python(req: &CreateBackup, t: &Target) -> String {
    let fields = each_param(req, python_str, |f, v| {
        format!("    {}={v},\n", python_field(f))
    });
    format!(
        r#"{header}
import os

from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_rds20140815 import models as rds_models
from alibabacloud_rds20140815.client import Client
from alibabacloud_tea_openapi import models as open_api_models

config = open_api_models.Config(credential=CredentialClient(), region_id={region})
endpoint = os.environ.get("ALIBABA_CLOUD_RDS_ENDPOINT")  # optional, e.g. http://127.0.0.1:18080
if endpoint:
    scheme, _, host = endpoint.rpartition("://")
    config.endpoint, config.protocol = host, scheme or "https"
client = Client(config)

request = rds_models.CreateBackupRequest(
{fields})
response = client.create_backup(request)
print(response.body.backup_job_id)
"#,
        header = header(
            "#",
            req,
            "pip install alibabacloud_rds20140815 alibabacloud_credentials"
        ),
        region = python_str(t.region.as_str()),
    )
}

fn js_fields(req: &CreateBackup) -> String {
    each_param(req, js_str, |f, v| {
        format!("    {}: {v},\n", camel_field(f))
    })
}

const JS_ENDPOINT: &str = r#"  const endpoint = process.env.ALIBABA_CLOUD_RDS_ENDPOINT; // optional, e.g. http://127.0.0.1:18080
  if (endpoint) {
    const url = new URL(endpoint.includes('://') ? endpoint : `https://${endpoint}`);
    config.endpoint = url.host;
    config.protocol = url.protocol.replace(':', '');
  }"#;

fn node(req: &CreateBackup, t: &Target) -> String {
    format!(
        r#"{header}
const Rds = require('@alicloud/rds20140815');
const {{ $OpenApiUtil }} = require('@alicloud/openapi-core');
const Credential = require('@alicloud/credentials').default;

async function main() {{
  const config = new $OpenApiUtil.Config({{ credential: new Credential(), regionId: {region} }});
{endpoint}
  const client = new Rds.default(config);

  const request = new Rds.CreateBackupRequest({{
{fields}  }});
  const response = await client.createBackup(request);
  console.log(response.body.backupJobId);
}}

main().catch((err) => {{
  console.error(err.code || err.name, err.message);
  process.exit(1);
}});
"#,
        header = header(
            "//",
            req,
            "npm install @alicloud/rds20140815 @alicloud/openapi-core @alicloud/credentials"
        ),
        region = js_str(t.region.as_str()),
        endpoint = JS_ENDPOINT,
        fields = js_fields(req),
    )
}

fn typescript(req: &CreateBackup, t: &Target) -> String {
    format!(
        r#"{header}
import Rds, {{ CreateBackupRequest }} from '@alicloud/rds20140815';
import {{ $OpenApiUtil }} from '@alicloud/openapi-core';
import Credential from '@alicloud/credentials';

async function main(): Promise<void> {{
  const config = new $OpenApiUtil.Config({{ credential: new Credential(), regionId: {region} }});
{endpoint}
  const client = new Rds(config);

  const request = new CreateBackupRequest({{
{fields}  }});
  const response = await client.createBackup(request);
  console.log(response.body?.backupJobId);
}}

main().catch((err) => {{
  console.error(err.code ?? err.name, err.message);
  process.exit(1);
}});
"#,
        header = header(
            "//",
            req,
            "npm install @alicloud/rds20140815 @alicloud/openapi-core @alicloud/credentials"
        ),
        region = js_str(t.region.as_str()),
        endpoint = JS_ENDPOINT,
        fields = js_fields(req),
    )
}

fn java(req: &CreateBackup, t: &Target) -> String {
    let setters = each_param(req, java_str, |f, v| {
        format!("\n            .set{}({v})", f.as_str())
    });
    format!(
        r#"{header}
import com.aliyun.rds20140815.Client;
import com.aliyun.rds20140815.models.CreateBackupRequest;
import com.aliyun.rds20140815.models.CreateBackupResponse;
import com.aliyun.teaopenapi.models.Config;

public class CreateBackupSample {{
    public static void main(String[] args) throws Exception {{
        Config config = new Config()
            .setCredential(new com.aliyun.credentials.Client())
            .setRegionId({region});
        String endpoint = System.getenv("ALIBABA_CLOUD_RDS_ENDPOINT"); // optional, e.g. http://127.0.0.1:18080
        if (endpoint != null && !endpoint.isEmpty()) {{
            int at = endpoint.indexOf("://");
            config.setEndpoint(at < 0 ? endpoint : endpoint.substring(at + 3));
            config.setProtocol(at < 0 ? "https" : endpoint.substring(0, at));
        }}
        Client client = new Client(config);

        CreateBackupRequest request = new CreateBackupRequest(){setters};
        CreateBackupResponse response = client.createBackup(request);
        System.out.println(response.getBody().getBackupJobId());
    }}
}}
"#,
        header = header(
            "//",
            req,
            "Maven: com.aliyun:rds20140815 and com.aliyun:credentials-java."
        ),
        region = java_str(t.region.as_str()),
    )
}

fn go(req: &CreateBackup, t: &Target) -> String {
    let ps = params(req);
    let width = ps.iter().map(|(f, _)| f.as_str().len()).max().unwrap_or(0) + 1;
    let mut fields = String::new();
    for (f, v) in &ps {
        let value = if is_number(*f) {
            format!("tea.Int32({v})")
        } else {
            format!("tea.String({})", go_str(v))
        };
        let _ = writeln!(
            fields,
            "\t\t{:<width$} {value},",
            format!("{}:", f.as_str())
        );
    }
    format!(
        r#"{header}
package main

import (
	"fmt"
	"os"
	"strings"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	rds "github.com/alibabacloud-go/rds-20140815/v16/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/credentials-go/credentials"
)

func main() {{
	cred, err := credentials.NewCredential(nil)
	if err != nil {{
		panic(err)
	}}
	config := &openapi.Config{{Credential: cred, RegionId: tea.String({region})}}
	// Optional, e.g. http://127.0.0.1:18080
	if endpoint := os.Getenv("ALIBABA_CLOUD_RDS_ENDPOINT"); endpoint != "" {{
		scheme, host, found := strings.Cut(endpoint, "://")
		if !found {{
			scheme, host = "https", endpoint
		}}
		config.Endpoint, config.Protocol = tea.String(host), tea.String(scheme)
	}}
	client, err := rds.NewClient(config)
	if err != nil {{
		panic(err)
	}}

	request := &rds.CreateBackupRequest{{
{fields}	}}
	response, err := client.CreateBackup(request)
	if err != nil {{
		panic(err)
	}}
	fmt.Println(tea.StringValue(response.Body.BackupJobId))
}}
"#,
        header = header(
            "//",
            req,
            "go get github.com/alibabacloud-go/rds-20140815/v16 github.com/aliyun/credentials-go"
        ),
        region = go_str(t.region.as_str()),
    )
}

fn php(req: &CreateBackup, t: &Target) -> String {
    let fields = each_param(req, php_str, |f, v| {
        format!("    '{}' => {v},\n", camel_field(f))
    });
    format!(
        r#"<?php
{header}
require __DIR__ . '/vendor/autoload.php';

use AlibabaCloud\Credentials\Credential;
use AlibabaCloud\SDK\Rds\V20140815\Models\CreateBackupRequest;
use AlibabaCloud\SDK\Rds\V20140815\Rds;
use Darabonba\OpenApi\Models\Config;

$config = new Config([
    'credential' => new Credential(),
    'regionId' => {region},
]);
$endpoint = getenv('ALIBABA_CLOUD_RDS_ENDPOINT'); // optional, e.g. http://127.0.0.1:18080
if ($endpoint) {{
    $parts = explode('://', $endpoint, 2);
    $config->endpoint = count($parts) === 2 ? $parts[1] : $parts[0];
    $config->protocol = count($parts) === 2 ? $parts[0] : 'https';
}}
$client = new Rds($config);

$request = new CreateBackupRequest([
{fields}]);
$response = $client->createBackup($request);
echo $response->body->backupJobId, PHP_EOL;
"#,
        header = header(
            "//",
            req,
            "composer require alibabacloud/rds-20140815 alibabacloud/credentials"
        ),
        region = php_str(t.region.as_str()),
    )
}

fn csharp(req: &CreateBackup, t: &Target) -> String {
    let fields = each_param(req, java_str, |f, v| format!("    {} = {v},\n", f.as_str()));
    format!(
        r#"{header}
using System;
using AlibabaCloud.SDK.Rds20140815;
using AlibabaCloud.SDK.Rds20140815.Models;

var config = new AlibabaCloud.OpenApiClient.Models.Config
{{
    Credential = new Aliyun.Credentials.Client(),
    RegionId = {region},
}};
var endpoint = Environment.GetEnvironmentVariable("ALIBABA_CLOUD_RDS_ENDPOINT"); // optional, e.g. http://127.0.0.1:18080
if (!string.IsNullOrEmpty(endpoint))
{{
    var parts = endpoint.Split("://", 2);
    config.Endpoint = parts.Length == 2 ? parts[1] : parts[0];
    config.Protocol = parts.Length == 2 ? parts[0] : "https";
}}
var client = new Client(config);

var request = new CreateBackupRequest
{{
{fields}}};
var response = client.CreateBackup(request);
Console.WriteLine(response.Body.BackupJobId);
"#,
        header = header(
            "//",
            req,
            "dotnet add package AlibabaCloud.SDK.Rds20140815; dotnet add package Aliyun.Credentials"
        ),
        region = java_str(t.region.as_str()),
    )
}

fn aliyun(req: &CreateBackup, t: &Target) -> String {
    let mut out = format!(
        "# {}\n# Credentials: the aliyun CLI's own configuration (aliyun configure) or ALIBABA_CLOUD_* variables.\naliyun rds CreateBackup \\\n  --region {}",
        rule_line(req),
        shell_quote(t.region.as_str())
    );
    if let Some(p) = &t.profile {
        let _ = write!(out, " \\\n  --profile {}", shell_quote(p));
    }
    for (f, v) in params(req) {
        let _ = write!(out, " \\\n  --{} {}", f.as_str(), shell_quote(&v));
    }
    out.push('\n');
    out
}

/// The JSON body the proxy takes: `RegionId` and the parameters, numbers as numbers.
pub fn proxy_body(req: &CreateBackup, region: &Region) -> String {
    // Written by hand so the keys keep the API's order (and the console's wasm carries
    // no JSON library for one object of strings and numbers).
    let mut out = format!("{{\"RegionId\":{}", quoted(region.as_str()));
    for (f, v) in params(req) {
        let _ = write!(out, ",{}:", quoted(f.as_str()));
        match v.parse::<i64>() {
            Ok(n) if is_number(f) => {
                let _ = write!(out, "{n}");
            }
            _ => out.push_str(&quoted(&v)),
        }
    }
    out.push('}');
    out
}

fn curl(req: &CreateBackup, t: &Target) -> String {
    let url = format!("{}/api/backups", t.proxy_url.trim_end_matches('/'));
    let mut out = format!(
        "# {}\n# Through the signing proxy: it holds the credentials and checks the request again.\ncurl -sS -X POST {} \\\n  -H 'content-type: application/json'",
        rule_line(req),
        shell_quote(&url)
    );
    if t.proxy_token {
        out.push_str(" \\\n  -H \"authorization: Bearer ${RDS_BACKUP_TOKEN}\"");
    }
    let _ = writeln!(
        out,
        " \\\n  --data-binary {}",
        shell_quote(&proxy_body(req, &t.region))
    );
    out
}

fn http(req: &CreateBackup, t: &Target) -> String {
    let call = req.call(
        Method::Post,
        Endpoint::for_region(&t.region),
        UtcTime::from_unix(0),
        "YourSignatureNonce".into(),
    );
    let text = preview(&call, SignatureVersion::V3)
        .request
        .to_http()
        .replace("\r\n", "\n");
    let text = text.replace(
        "x-acs-date: 1970-01-01T00:00:00Z",
        "x-acs-date: <yyyy-MM-ddTHH:mm:ssZ, now>",
    );
    format!(
        "# {}\n# V3-signed by whoever sends it; the key id, the date, the nonce and the signature are placeholders.\n{}",
        rule_line(req),
        text.trim_end()
    )
}

/// The snippet for `req` in `lang`.
pub fn snippet(req: &CreateBackup, target: &Target, lang: SnippetLang) -> String {
    match lang {
        SnippetLang::Aliyun => aliyun(req, target),
        SnippetLang::Python => python(req, target),
        SnippetLang::Node => node(req, target),
        SnippetLang::TypeScript => typescript(req, target),
        SnippetLang::Java => java(req, target),
        SnippetLang::Go => go(req, target),
        SnippetLang::Php => php(req, target),
        SnippetLang::CSharp => csharp(req, target),
        SnippetLang::Curl => curl(req, target),
        SnippetLang::Http => format!("{}\n", http(req, target)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_string_reads_back_as_itself() {
        for s in [
            "rm-1",
            "a\"b\\c",
            "tab\there\nnew\r",
            "\u{1}\u{8}\u{c}\u{1f}\u{7f}\u{2028}",
            "数据库",
            "</script>",
            "",
        ] {
            let back: String = serde_json::from_str(&quoted(s)).unwrap_or_default();
            assert_eq!(back, s, "{s:?}");
        }
    }

    #[test]
    fn string_literals_escape_what_their_language_needs() {
        let nasty = "a\"b\\c'd\n$HOME\u{1}数据\u{2028}";
        assert_eq!(
            python_str(nasty),
            "\"a\\\"b\\\\c'd\\n$HOME\\u0001数据\\u2028\""
        );
        assert_eq!(js_str(nasty), "'a\"b\\\\c\\'d\\n$HOME\\u0001数据\\u2028'");
        assert_eq!(php_str(nasty), "'a\"b\\\\c\\'d\n$HOME\u{1}数据\u{2028}'");
        assert_eq!(go_str("tab\there"), "\"tab\\there\"");
        assert_eq!(shell_quote("it's $HOME"), "'it'\\''s $HOME'");
    }

    #[test]
    fn languages_parse_from_their_names_and_aliases() {
        for l in SnippetLang::ALL {
            assert_eq!(SnippetLang::parse(l.as_str()), Some(l));
        }
        assert_eq!(SnippetLang::parse("TS"), Some(SnippetLang::TypeScript));
        assert_eq!(SnippetLang::parse("c#"), Some(SnippetLang::CSharp));
        assert_eq!(SnippetLang::parse("cobol"), None);
    }
}
