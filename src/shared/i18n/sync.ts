import { defineMessages } from './define';

/** Why the server refused a record of a sync (`sync.<code>`), and what is wrong with a stats query. */
export const sync = defineMessages(
  {
    'sync.unknown_stall': '摊位不存在，请重新选择摊位',
    'sync.forbidden_stall': '此摊位不属于您所在组织的范围，不能提交到这里；请选择本组织的摊位',
    'sync.id_conflict': '此记录编号已被另一条内容不同的记录使用；点“保存为新记录”即以新编号重新发送',
    'sync.out_of_window': '记录时间不在摊位日期当天（前后 12 小时内），请检查手机时间和所选摊位',
    'sync.invalid_channel': '工作人员只能提交现场登记；扫码自助登记由入会页面提交',
    'stats.day_invalid': '日期应为“年-月-日”格式，例如 2026-05-01',
    'stats.range_order': '开始日期不能晚于结束日期',
    'stats.range_too_long': '日期范围最多 {max} 天，请缩短',
    'stats.group_invalid': '分组“{key}”不正确，只能是 day、district、street、stall、occupation、channel',
  },
  {
    'sync.unknown_stall': 'No such stall; please choose the stall again',
    'sync.forbidden_stall': "This stall is outside your organization's scope; please choose one of your organization's stalls",
    'sync.id_conflict': 'This record id is already used by a record with different content; tap "Save as a new record" to send it again under a new id',
    'sync.out_of_window': "The record's time is not on its stall's date (within 12 hours either side); check the phone's clock and the chosen stall",
    'sync.invalid_channel': 'Staff can only send records made at the stall; self-registrations come through the join page',
    'stats.day_invalid': 'Days are written YYYY-MM-DD, for example 2026-05-01',
    'stats.range_order': 'The start day must not be after the end day',
    'stats.range_too_long': 'The range can span at most {max} days; please shorten it',
    'stats.group_invalid': 'Unknown group "{key}": use day, district, street, stall, occupation or channel',
  },
);
