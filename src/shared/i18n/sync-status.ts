import { defineMessages } from './define';

/** The sync status line of the staff app: progress, what waits, when it last worked, what went wrong. */
export const syncStatus = defineMessages(
  {
    'syncStatus.label': '同步状态',
    'syncStatus.syncing': '正在同步：{sent} / {total}',
    'syncStatus.waiting': '{n} 条待发送',
    'syncStatus.allSent': '全部已发送',
    'syncStatus.offlineWaiting': '离线：{n} 条记录已保存在本机，联网后自动发送',
    'syncStatus.last': '上次同步 {time}',
    'syncStatus.never': '尚未同步',
    'syncStatus.retryAt': '发送失败，{time} 自动重试',
    'syncStatus.busy': '服务器繁忙，{time} 自动重试',
    'syncStatus.failed': '发送失败，将自动重试',
    'syncStatus.busyLater': '服务器繁忙，稍后自动重试',
    'syncStatus.clientError': '发送出错（{status}），记录仍保存在本机，将自动重试',
    'syncStatus.needsSignIn': '需要重新登录才能发送记录（记录仍保存在本机）',
    'syncStatus.now': '立即同步',
  },
  {
    'syncStatus.label': 'Sync status',
    'syncStatus.syncing': 'Syncing: {sent} of {total}',
    'syncStatus.waiting': '{n} waiting to be sent',
    'syncStatus.allSent': 'All sent',
    'syncStatus.offlineWaiting': 'Offline: {n} records are saved on this device and will be sent when online',
    'syncStatus.last': 'Last sync {time}',
    'syncStatus.never': 'Not synced yet',
    'syncStatus.retryAt': 'Sending failed; retrying at {time}',
    'syncStatus.busy': 'The server is busy; retrying at {time}',
    'syncStatus.failed': 'Sending failed; it will be retried',
    'syncStatus.busyLater': 'The server is busy; it will be retried shortly',
    'syncStatus.clientError': 'Sending failed ({status}); the records stay on this device and will be retried',
    'syncStatus.needsSignIn': 'Sign in again to send records (they stay on this device)',
    'syncStatus.now': 'Sync now',
  },
);
