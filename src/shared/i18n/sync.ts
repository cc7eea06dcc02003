import { defineMessages } from './define';

/** Why the server refused a record of a sync (`sync.<code>`), and what is wrong with a stats query. */
export const sync = defineMessages(
  {
    'sync.unknown_stall': '摊位不存在，请重新选择摊位',
    'sync.forbidden_stall': '此摊位不属于您所在组织的范围，不能提交到这里；请选择本组织的摊位',
    'sync.id_conflict': '此记录编号已被另一条内容不同的记录使用，请重新填写并保存为新记录',
    'stats.day_invalid': '日期应为“年-月-日”格式，例如 2026-05-01',
    'stats.range_order': '开始日期不能晚于结束日期',
    'stats.range_too_long': '日期范围最多 {max} 天，请缩短',
    'stats.group_invalid': '分组“{key}”不正确，只能是 day、district、street、stall、occupation、channel',
  },
  {
    'sync.unknown_stall': 'No such stall; please choose the stall again',
    'sync.forbidden_stall': "This stall is outside your organization's scope; please choose one of your organization's stalls",
    'sync.id_conflict': 'This record id is already used by a record with different content; please fill in and save it as a new record',
    'stats.day_invalid': 'Days are written YYYY-MM-DD, for example 2026-05-01',
    'stats.range_order': 'The start day must not be after the end day',
    'stats.range_too_long': 'The range can span at most {max} days; please shorten it',
    'stats.group_invalid': 'Unknown group "{key}": use day, district, street, stall, occupation or channel',
  },
);
