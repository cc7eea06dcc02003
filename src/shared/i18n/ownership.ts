import { defineMessages } from './define';

/** Whose records: others' records on this device, signing out, the tally's two counts, a rejected record's ways out. */
export const ownership = defineMessages(
  {
    'owner.othersWaiting': '{n} 条其他工作人员的记录待发送，该工作人员登录后自动发送',
    'owner.adopt': '以我的账号发送其中本辖区的记录',
    'owner.adoptConfirm': '这些记录将以您的账号发送，只限您辖区内摊位的记录；发送前您看不到内容。确定吗？',
    'owner.adopted': '已接收 {n} 条记录，将以您的账号发送',
    'owner.noneInScope': '这些记录的摊位都不在您的辖区内，仍等待原工作人员登录',
    'owner.adoptFailed': '现在无法确认您的辖区，请联网后再试',
    'signOut.what':
      '您还有 {n} 条记录没有发送。退出登录不会删除它们：记录留在本机，您再次登录后自动发送。其他人在本机登录时只看到条数，看不到内容，也不会以他们的账号发送。',
    'tally.thisDevice': '本机今日',
    'tally.existing': '已是会员',
    'tally.stallLine': '本摊位今日（所有设备，服务器统计）：入会 {enrolled} 人 · 已是会员 {existing} 人 · 咨询 {consultations} 人次 · 扫码自助 {self} 人',
    'owner.allMineSent': '您的记录已全部发送',
    'queue.saveAsNew': '保存为新记录',
    'queue.discard': '舍弃',
    'queue.attention': '{n} 条需处理',
    'discard.title': '舍弃这条记录？',
    'discard.body': '「{what}」将从本机删除，不会发送到服务器，也无法恢复。',
    'discard.confirm': '舍弃',
    'discard.cancel': '保留',
  },
  {
    'owner.othersWaiting': '{n} records of other staff wait on this device; they are sent automatically when that person signs in',
    'owner.adopt': 'Send those of my area under my account',
    'owner.adoptConfirm': 'These records will be sent under your account, only those of stalls in your area; you will not see their contents. Go ahead?',
    'owner.adopted': 'Took over {n} records; they are sent under your account',
    'owner.noneInScope': 'None of these records is for a stall in your area; they wait for their staff member',
    'owner.adoptFailed': 'Your area cannot be checked right now; try again when online',
    'signOut.what':
      'You have {n} records not yet sent. Signing out does not delete them: they stay on this device and are sent after you sign in again. Anyone else signing in here sees only how many there are, not what they hold, and they are never sent under their account.',
    'tally.thisDevice': 'This device today',
    'tally.existing': 'Already members',
    'tally.stallLine': 'This stall today (all devices, from the server): enrolled {enrolled} · already members {existing} · consultations {consultations} · self-registered {self}',
    'owner.allMineSent': 'All your records are sent',
    'queue.saveAsNew': 'Save as a new record',
    'queue.discard': 'Discard',
    'queue.attention': '{n} need attention',
    'discard.title': 'Discard this record?',
    'discard.body': '“{what}” will be deleted from this device and never sent to the server. This cannot be undone.',
    'discard.confirm': 'Discard',
    'discard.cancel': 'Keep',
  },
);
