// Rule sqlserver-snapshot: SQL Server snapshot backup of every database.
// Maven: com.aliyun:rds20140815 and com.aliyun:credentials-java.
// Credentials come from the default chain (ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ~/.aliyun/config.json), never from this file.
import com.aliyun.rds20140815.Client;
import com.aliyun.rds20140815.models.CreateBackupRequest;
import com.aliyun.rds20140815.models.CreateBackupResponse;
import com.aliyun.teaopenapi.models.Config;

public class CreateBackupSample {
    public static void main(String[] args) throws Exception {
        Config config = new Config()
            .setCredential(new com.aliyun.credentials.Client())
            .setRegionId("cn-hangzhou");
        String endpoint = System.getenv("ALIBABA_CLOUD_RDS_ENDPOINT"); // optional, e.g. http://127.0.0.1:18080
        if (endpoint != null && !endpoint.isEmpty()) {
            int at = endpoint.indexOf("://");
            config.setEndpoint(at < 0 ? endpoint : endpoint.substring(at + 3));
            config.setProtocol(at < 0 ? "https" : endpoint.substring(0, at));
        }
        Client client = new Client(config);

        CreateBackupRequest request = new CreateBackupRequest()
            .setDBInstanceId("rm-bp1mssql01")
            .setBackupMethod("Snapshot");
        CreateBackupResponse response = client.createBackup(request);
        System.out.println(response.getBody().getBackupJobId());
    }
}
