/**
 * The privacy notice shown before a worker agrees to the processing of sensitive personal information
 * (PIPL Art. 29–30: separate consent, after being told why it is necessary and how it affects them).
 * Every enrollment records the version it was shown; change the text, change the version.
 */

/** The version of the notice below, stored with every consent (`consent.noticeVersion`). */
export const NOTICE_VERSION = '2026-11-v1';

/** The notice, paragraph by paragraph, in each language. */
export const PRIVACY_NOTICE: { zh: readonly string[]; en: readonly string[] } = {
  zh: [
    '处理者：本摊位所属的工会组织（街道、区、市总工会）。',
    '目的：办理入会登记，提供您选择的会员服务，统计入会人数。',
    '收集的信息：姓名、证件类型和号码（含出生日期、性别）、手机号码、职业、平台或单位、需要的服务。不收集学历、政治面貌、户籍等其他信息。',
    '敏感个人信息：证件号码属于敏感个人信息。处理它是为了核实身份、防止重复入会；一旦泄露，可能被冒用身份。我们加密保存，页面只显示打码后的号码；记录发送到服务器后，本机即删除证件号码和手机号码。',
    '保存期限：会籍存续期间，以及法律法规要求的期限。',
    '您的权利：您可以查阅、更正、删除您的信息，或撤回同意，请联系本摊位的工会工作人员。撤回同意不影响撤回前的处理。',
  ],
  en: [
    'Processor: the trade union running this stall (the street, district or city federation).',
    'Purpose: to register you as a member, to provide the member services you choose, and to count sign-ups.',
    'What we collect: name, ID type and number (with birth date and gender), mobile number, occupation, platform or employer, services wanted. Nothing else: no education, political status or household registration.',
    'Sensitive personal information: your ID number is sensitive personal information. We process it to verify who you are and to avoid double membership; if leaked, it could be used to impersonate you. It is stored encrypted and shown masked; once the record reaches the server, this device deletes the ID number and phone number.',
    'How long: for as long as you are a member, and as long as the law requires.',
    'Your rights: you may see, correct or delete your information, or withdraw your consent, through the union staff at this stall. Withdrawing does not affect processing before it.',
  ],
};
