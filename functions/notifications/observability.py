"""The notifications consumer's logger and metrics (service name from POWERTOOLS_SERVICE_NAME)."""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from functions.notifications.consumer import Handled, Result

logger = Logger()
metrics = Metrics(namespace="FbaInbound")

METRIC_OF: dict[Handled, str] = {
    Handled.RECORDED: "NotificationsRecorded",
    Handled.DUPLICATE: "DuplicateNotifications",
    Handled.UNKNOWN_TYPE: "UnknownNotificationTypes",
    Handled.UNKNOWN_SUBSCRIPTION: "NotificationsOfUnknownSubscriptions",
    Handled.FOREIGN_APPLICATION: "NotificationsOfOtherApplications",
}


def report(result: Result) -> None:
    metrics.add_metric(name=METRIC_OF[result.handled], unit=MetricUnit.Count, value=1)
    if result.reports:
        metrics.add_metric(name="InventoryReports", unit=MetricUnit.Count, value=result.reports)
    if result.repolled:
        metrics.add_metric(name="RepollsRequested", unit=MetricUnit.Count, value=1)
    logger.info(
        "notification handled",
        extra={
            "handled": result.handled.value,
            "notification_type": result.notification_type,
            "reports": result.reports,
            "repolled": list(result.repolled),
        },
    )


def malformed(reason: str, message_id: str) -> None:
    metrics.add_metric(name="MalformedNotifications", unit=MetricUnit.Count, value=1)
    logger.error(
        f"malformed notification, left for SQS to redrive to the DLQ: {reason}",
        extra={"message_id": message_id},
    )
