// Rule mysql-logical-db: MySQL logical backup of the databases in DBName (local disk).
// go get github.com/alibabacloud-go/rds-20140815/v16 github.com/aliyun/credentials-go
// Credentials come from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ~/.aliyun/config.json), never from this file.
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

func main() {
	cred, err := credentials.NewCredential(nil)
	if err != nil {
		panic(err)
	}
	config := &openapi.Config{Credential: cred, RegionId: tea.String("cn-hangzhou")}
	// Optional, e.g. http://127.0.0.1:18080
	if endpoint := os.Getenv("ALIBABA_CLOUD_RDS_ENDPOINT"); endpoint != "" {
		scheme, host, found := strings.Cut(endpoint, "://")
		if !found {
			scheme, host = "https", endpoint
		}
		config.Endpoint, config.Protocol = tea.String(host), tea.String(scheme)
	}
	client, err := rds.NewClient(config)
	if err != nil {
		panic(err)
	}

	request := &rds.CreateBackupRequest{
		DBInstanceId:          tea.String("rm-uf6wjk5xxxxxxx"),
		DBName:                tea.String("orders,users,audit_log"),
		BackupStrategy:        tea.String("db"),
		BackupMethod:          tea.String("Logical"),
		BackupRetentionPeriod: tea.Int32(-1),
	}
	response, err := client.CreateBackup(request)
	if err != nil {
		panic(err)
	}
	fmt.Println(tea.StringValue(response.Body.BackupJobId))
}
